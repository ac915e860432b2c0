using System;
using System.Text;

namespace WeChatPay.Native
{
    /// <summary>UTF-8 both ways. Encoding is strict: a lone surrogate is an error, never a '?'.</summary>
    internal static class Utf8
    {
        internal static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>A NUL-terminated UTF-8 string owned by the library.</summary>
        internal static unsafe string FromNative(IntPtr text)
        {
            if (text == IntPtr.Zero)
            {
                return null;
            }
            byte* start = (byte*)text;
            byte* end = start;
            while (*end != 0)
            {
                end++;
            }
            return FromNative(start, checked((int)(end - start)));
        }

        internal static unsafe string FromNative(byte* text, int length)
        {
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(text, length);
        }

        /// <summary>The UTF-8 bytes of an argument, or a typed error naming it.</summary>
        internal static byte[] Encode(string text, string what)
        {
            if (text == null)
            {
                throw Ensure.NullArgument(what + " is null");
            }
            try
            {
                return Strict.GetBytes(text);
            }
            catch (EncoderFallbackException)
            {
                throw Ensure.InvalidUtf8(what);
            }
        }

        /// <summary>The UTF-8 bytes of a string argument followed by the NUL C wants.</summary>
        /// <exception cref="WxPayInvalidInputException">Null, a lone surrogate, or a NUL inside (C would cut it short there).</exception>
        internal static byte[] Terminated(string text, string what)
        {
            if (text == null)
            {
                throw Ensure.NullArgument(what + " is null");
            }
            byte[] encoded = Encode(text + "\0", what);
            if (Array.IndexOf(encoded, (byte)0) != encoded.Length - 1)
            {
                Array.Clear(encoded, 0, encoded.Length);
                throw new WxPayInvalidInputException(Ensure.EmbeddedNulCode, "WXPAY_RESULT_EMBEDDED_NUL", what + " contains a NUL character");
            }
            return encoded;
        }

        /// <summary>Encodes <paramref name="text"/> into <paramref name="buffer"/> at <paramref name="offset"/>, growing it.</summary>
        /// <returns>The number of bytes written, or -1 for a lone surrogate (no UTF-8 form).</returns>
        /// <remarks>
        /// Hand-written because it runs for every field of every signature and the framework's
        /// strict encoder is several times slower on Mono; a lone surrogate is refused as there.
        /// </remarks>
        internal static unsafe int EncodeInto(string text, ref byte[] buffer, int offset)
        {
            // Three bytes per UTF-16 unit at most, and one for the NUL separator the caller writes next.
            int needed = checked(offset + text.Length * 3 + 1);
            if (needed > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
            }
            fixed (char* source = text)
            fixed (byte* start = &buffer[offset])
            {
                byte* output = start;
                int length = text.Length;
                for (int i = 0; i < length; i++)
                {
                    int c = source[i];
                    if (c < 0x80)
                    {
                        *output++ = (byte)c;
                    }
                    else if (c < 0x800)
                    {
                        *output++ = (byte)(0xC0 | (c >> 6));
                        *output++ = (byte)(0x80 | (c & 0x3F));
                    }
                    else if (c < 0xD800 || c > 0xDFFF)
                    {
                        *output++ = (byte)(0xE0 | (c >> 12));
                        *output++ = (byte)(0x80 | ((c >> 6) & 0x3F));
                        *output++ = (byte)(0x80 | (c & 0x3F));
                    }
                    else
                    {
                        int low = i + 1 < length ? source[i + 1] : 0;
                        if (c > 0xDBFF || low < 0xDC00 || low > 0xDFFF)
                        {
                            return -1;
                        }
                        int codePoint = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                        *output++ = (byte)(0xF0 | (codePoint >> 18));
                        *output++ = (byte)(0x80 | ((codePoint >> 12) & 0x3F));
                        *output++ = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                        *output++ = (byte)(0x80 | (codePoint & 0x3F));
                        i++;
                    }
                }
                return (int)(output - start);
            }
        }
    }
}
