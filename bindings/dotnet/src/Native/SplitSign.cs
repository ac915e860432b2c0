using System;
using System.Collections.Generic;
using System.Text;

namespace WeChatPay.Native
{
    /// <summary>Signing through <c>wxpay_sign_split</c>: names and values in two buffers (benchmark candidate).</summary>
    internal static class SplitSign
    {
        [ThreadStatic] private static byte[] spareNames;
        [ThreadStatic] private static byte[] spareValues;

        /// <summary>Two buffers filled in one pass by the wrapper's own encoder.</summary>
        internal static unsafe string Encoded(Api api, IEnumerable<KeyValuePair<string, string>> fields, byte[] key, SignType signType)
        {
            byte[] names = spareNames ?? new byte[512];
            byte[] values = spareValues ?? new byte[1024];
            spareNames = spareValues = null;
            int namesLength = 0, valuesLength = 0, count = 0;
            foreach (KeyValuePair<string, string> field in fields)
            {
                if (field.Key == null || field.Value == null)
                {
                    throw Ensure.NullArgument("null name or value");
                }
                if (count > 0)
                {
                    names[namesLength++] = 0;
                    values[valuesLength++] = 0;
                }
                int written = Utf8.EncodeInto(field.Key, ref names, namesLength);
                if (written < 0)
                {
                    throw Ensure.InvalidUtf8("a name");
                }
                namesLength += written;
                written = Utf8.EncodeInto(field.Value, ref values, valuesLength);
                if (written < 0)
                {
                    throw Ensure.InvalidUtf8("a value");
                }
                valuesLength += written;
                count++;
            }
            try
            {
                return Call(api, names, namesLength, values, valuesLength, count, key, signType);
            }
            finally
            {
                spareNames = names;
                spareValues = values;
            }
        }

        /// <summary>Two string joins and the framework's strict encoder, as the header suggests for wrappers.</summary>
        internal static string Joined(Api api, IDictionary<string, string> fields, byte[] key, SignType signType)
        {
            byte[] names = Utf8.Strict.GetBytes(string.Join("\0", fields.Keys));
            byte[] values = Utf8.Strict.GetBytes(string.Join("\0", fields.Values));
            return Call(api, names, names.Length, values, values.Length, fields.Count, key, signType);
        }

        private static unsafe string Call(Api api, byte[] names, int namesLength, byte[] values, int valuesLength, int count,
            byte[] key, SignType signType)
        {
            byte* output = stackalloc byte[Api.SignBufLen];
            int code;
            fixed (byte* n = names)
            fixed (byte* v = values)
            fixed (byte* k = key)
            {
                code = api.SignSplit(n, (UIntPtr)namesLength, v, (UIntPtr)valuesLength, (UIntPtr)count, k, (UIntPtr)key.Length,
                    (int)signType, output, (UIntPtr)Api.SignBufLen);
            }
            Ensure.Success(api, code);
            return Utf8.FromNative((IntPtr)output);
        }
    }
}
