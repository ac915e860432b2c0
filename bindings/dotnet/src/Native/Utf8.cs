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

        /// <summary>Encodes <paramref name="text"/> into <paramref name="buffer"/> at <paramref name="offset"/>, growing it.</summary>
        internal static int EncodeInto(string text, ref byte[] buffer, int offset, string what)
        {
            // One more byte for the NUL separator the caller writes next.
            int needed = offset + Strict.GetMaxByteCount(text.Length) + 1;
            if (needed > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
            }
            try
            {
                return Strict.GetBytes(text, 0, text.Length, buffer, offset);
            }
            catch (EncoderFallbackException)
            {
                throw Ensure.InvalidUtf8(what);
            }
        }
    }
}
