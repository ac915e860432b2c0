using System;
using System.Collections.Generic;

namespace WeChatPay.Native
{
    /// <summary>
    /// A field set in the library's packed form: name0 NUL value0 NUL ... valueN,
    /// UTF-8, with its length and field count, so a whole set crosses in one call.
    /// </summary>
    internal struct Packed
    {
        // Reused per thread: signing a request should not allocate a buffer each time.
        // Large buffers are not kept, so one 10 MiB call does not pin 10 MiB forever.
        [ThreadStatic] private static byte[] spare;
        private const int SpareLimit = 64 * 1024;

        internal byte[] Data;
        internal int Length;
        internal int Count;

        /// <exception cref="WxPayInvalidInputException">A null name or value, or a string that is not valid UTF-16.</exception>
        internal static Packed From(IEnumerable<KeyValuePair<string, string>> fields)
        {
            if (fields == null)
            {
                throw Ensure.NullArgument("fields is null");
            }
            byte[] buffer = spare ?? new byte[1024];
            spare = null;
            int length = 0;
            int count = 0;
            foreach (KeyValuePair<string, string> field in fields)
            {
                if (field.Key == null)
                {
                    throw Ensure.NullArgument("field #" + count + " has a null name");
                }
                if (field.Value == null)
                {
                    throw Ensure.NullArgument("field '" + field.Key + "' has a null value; use \"\" for an empty one");
                }
                if (count > 0)
                {
                    buffer[length++] = 0;
                }
                // Messages are built only on failure: this loop runs for every field of every signature.
                int written = Utf8.EncodeInto(field.Key, ref buffer, length);
                if (written < 0)
                {
                    throw Ensure.InvalidUtf8("the name of field #" + count);
                }
                length += written;
                buffer[length++] = 0;
                written = Utf8.EncodeInto(field.Value, ref buffer, length);
                if (written < 0)
                {
                    throw Ensure.InvalidUtf8("the value of field '" + field.Key + "'");
                }
                length += written;
                count++;
            }
            return new Packed { Data = buffer, Length = length, Count = count };
        }

        /// <summary>Hands the buffer back for the next call on this thread.</summary>
        internal void Recycle()
        {
            if (Data != null && Data.Length <= SpareLimit)
            {
                spare = Data;
            }
            Data = null;
        }

        /// <summary>Reads a packed set the library handed out (each value is followed by a NUL).</summary>
        internal static unsafe Dictionary<string, string> ToDictionary(byte* data, long length, long count)
        {
            var result = new Dictionary<string, string>(checked((int)count), StringComparer.Ordinal);
            byte* position = data;
            byte* end = data + length;
            for (long i = 0; i < count; i++)
            {
                string name = ReadPart(ref position, end);
                string value = ReadPart(ref position, end);
                if (result.ContainsKey(name))
                {
                    throw Ambiguous();
                }
                result.Add(name, value);
            }
            // Exactly count pairs must fill exactly length bytes. Anything else means a name or
            // value holds a NUL, and reading on would hand out changed data without a word.
            bool consumed = count == 0 ? length == 0 : position == end + 1;
            if (!consumed)
            {
                throw Ambiguous();
            }
            return result;
        }

        private static WxPayException Ambiguous()
        {
            return Ensure.Create(Ensure.EmbeddedNulCode, "WXPAY_RESULT_EMBEDDED_NUL",
                "libwxpay returned fields whose names or values contain a NUL byte (or a repeated name); "
                + "they cannot be read without changing them", null);
        }

        private static unsafe string ReadPart(ref byte* position, byte* end)
        {
            byte* start = position;
            while (position < end && *position != 0)
            {
                position++;
            }
            string part = Utf8.FromNative(start, checked((int)(position - start)));
            position++;
            return part;
        }
    }
}
