using System;
using System.Collections;
using System.Collections.Generic;
using WeChatPay.Native;

namespace WeChatPay
{
    /// <summary>
    /// An ordered field set held by libwxpay (a <c>wxpay_fields</c>): names are unique,
    /// order is insertion or document order. Dispose it to free the native memory at once.
    /// </summary>
    /// <remarks>
    /// Thread-safe: calls are serialised on the instance. Enumeration works on a snapshot
    /// taken when it starts. After <see cref="Dispose"/>, every member but
    /// <see cref="Dispose"/> and <see cref="IsDisposed"/> throws <see cref="ObjectDisposedException"/>.
    /// </remarks>
    public sealed class WxPayFields : IReadOnlyDictionary<string, string>, IDisposable
    {
        private readonly object gate = new object();
        private readonly FieldsHandle handle;

        /// <summary>Creates an empty set.</summary>
        /// <exception cref="WxPayException">The library failed internally.</exception>
        public WxPayFields()
        {
            Api api = LibraryLoader.Api;
            handle = new FieldsHandle();
            try
            {
            }
            finally
            {
                handle.Adopt(api.FieldsNew());
            }
            if (handle.IsInvalid)
            {
                throw Ensure.Exception(api, api.LastErrorCode());
            }
        }

        /// <summary>Creates a set holding <paramref name="fields"/>, in their order, in one native call.</summary>
        /// <param name="fields">The fields; names must be unique and not empty.</param>
        /// <exception cref="WxPayInvalidInputException">A null, empty or duplicate name, a null value, a NUL in a name or value.</exception>
        public unsafe WxPayFields(IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            Packed packed = Packed.From(fields);
            handle = new FieldsHandle();
            int code;
            try
            {
                fixed (byte* data = packed.Data)
                {
                    IntPtr raw = IntPtr.Zero;
                    try
                    {
                    }
                    finally
                    {
                        code = api.FieldsFromPacked(data, (UIntPtr)packed.Length, (UIntPtr)packed.Count, &raw);
                        handle.Adopt(raw);
                    }
                }
            }
            finally
            {
                packed.Recycle();
            }
            Ensure.Success(api, code);
        }

        private WxPayFields(FieldsHandle owned)
        {
            handle = owned;
        }

        /// <summary>Parses a WeChat Pay XML document into a native set, as <see cref="WxPay.ParseXml(byte[],int)"/>.</summary>
        /// <param name="xml">The document's UTF-8 bytes.</param>
        /// <param name="maxSize">The size limit in bytes; 0 for <see cref="WxPay.DefaultMaxXmlSize"/>.</param>
        /// <returns>A new set the caller disposes.</returns>
        /// <exception cref="WxPayXmlException">The document is refused.</exception>
        /// <exception cref="WxPayInvalidInputException">A null argument or a negative size.</exception>
        public static WxPayFields ParseXml(byte[] xml, int maxSize = 0)
        {
            return new WxPayFields(ParseInto(LibraryLoader.Api, xml, maxSize));
        }

        /// <summary>True once <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed
        {
            get { return handle.IsClosed; }
        }

        /// <summary>The number of fields.</summary>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public int Count
        {
            get
            {
                lock (gate)
                {
                    Api api = Live();
                    return checked((int)api.FieldsCount(handle.DangerousGetHandle()).ToUInt64());
                }
            }
        }

        /// <summary>Gets or sets a field. Setting an existing name replaces its value in place; a new name is appended.</summary>
        /// <param name="name">The field name.</param>
        /// <exception cref="KeyNotFoundException">Getting a name that is not in the set.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or empty name, a null value, a NUL inside either.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public string this[string name]
        {
            get
            {
                string value;
                if (!TryGetValue(name, out value))
                {
                    throw new KeyNotFoundException("no field named '" + name + "'");
                }
                return value;
            }
            set
            {
                Set(name, value);
            }
        }

        /// <summary>The names, in order (a snapshot).</summary>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public IEnumerable<string> Keys
        {
            get { return ToDictionary().Keys; }
        }

        /// <summary>The values, in order (a snapshot).</summary>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public IEnumerable<string> Values
        {
            get { return ToDictionary().Values; }
        }

        /// <summary>Sets a field: replaces the value of an existing name in place, else appends.</summary>
        /// <param name="name">The field name; not null, not empty.</param>
        /// <param name="value">The value; not null (use "" for empty).</param>
        /// <exception cref="WxPayInvalidInputException">A null or empty name, a null value, a NUL inside either, a lone surrogate.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe void Set(string name, string value)
        {
            byte[] nameBytes = Utf8.Terminated(name, "name");
            byte[] valueBytes = Utf8.Terminated(value, "value of field '" + name + "'");
            lock (gate)
            {
                Api api = Live();
                fixed (byte* n = nameBytes)
                fixed (byte* v = valueBytes)
                {
                    Ensure.Success(api, api.FieldsSet(handle.DangerousGetHandle(), n, v));
                }
            }
        }

        /// <summary>Looks a field up.</summary>
        /// <param name="name">The field name.</param>
        /// <param name="value">The value, or null when there is no such field.</param>
        /// <returns>Whether the field exists.</returns>
        /// <exception cref="WxPayInvalidInputException">A null name, or one with a NUL or lone surrogate.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe bool TryGetValue(string name, out string value)
        {
            byte[] nameBytes = Utf8.Terminated(name, "name");
            lock (gate)
            {
                Api api = Live();
                IntPtr found = IntPtr.Zero;
                int code;
                fixed (byte* n = nameBytes)
                {
                    code = api.FieldsGet(handle.DangerousGetHandle(), n, &found);
                }
                if (code == Ensure.NotFoundCode)
                {
                    value = null;
                    return false;
                }
                Ensure.Success(api, code);
                value = Utf8.FromNative(found);
                return true;
            }
        }

        /// <summary>Whether a field of that name exists.</summary>
        /// <param name="key">The field name.</param>
        /// <returns>True if it exists.</returns>
        /// <exception cref="WxPayInvalidInputException">A null name, or one with a NUL or lone surrogate.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public bool ContainsKey(string key)
        {
            string ignored;
            return TryGetValue(key, out ignored);
        }

        /// <summary>A managed copy of the whole set, read in one native call.</summary>
        /// <returns>A new dictionary, in this set's order.</returns>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public Dictionary<string, string> ToDictionary()
        {
            lock (gate)
            {
                return Read(Live(), handle);
            }
        }

        /// <summary>Enumerates a snapshot of the fields, in order.</summary>
        /// <returns>The enumerator.</returns>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            return ToDictionary().GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <summary>Frees the native set. Calling it again does nothing.</summary>
        public void Dispose()
        {
            lock (gate)
            {
                handle.Dispose();
            }
        }

        internal unsafe string Sign(Api api, string key, SignType signType)
        {
            byte[] keyBytes = Utf8.Encode(key, "key");
            try
            {
                lock (gate)
                {
                    Live();
                    IntPtr data;
                    long length, count;
                    PackedView(api, out data, out length, out count);
                    return WxPay.Sign(api, (byte*)data, length, count, keyBytes, signType);
                }
            }
            finally
            {
                Array.Clear(keyBytes, 0, keyBytes.Length);
            }
        }

        internal unsafe SignType Verify(Api api, string key, SignType signType)
        {
            byte[] keyBytes = Utf8.Encode(key, "key");
            try
            {
                lock (gate)
                {
                    Live();
                    IntPtr data;
                    long length, count;
                    PackedView(api, out data, out length, out count);
                    return WxPay.Verify(api, (byte*)data, length, count, keyBytes, signType);
                }
            }
            finally
            {
                Array.Clear(keyBytes, 0, keyBytes.Length);
            }
        }

        internal unsafe string SignWith(Api api, WxPaySigner signer)
        {
            lock (gate)
            {
                Live();
                IntPtr data;
                long length, count;
                PackedView(api, out data, out length, out count);
                return signer.Sign(api, (byte*)data, length, count);
            }
        }

        internal unsafe SignType VerifyWith(Api api, WxPaySigner signer)
        {
            lock (gate)
            {
                Live();
                IntPtr data;
                long length, count;
                PackedView(api, out data, out length, out count);
                return signer.Verify(api, (byte*)data, length, count);
            }
        }

        internal unsafe string BuildXml(Api api)
        {
            lock (gate)
            {
                Live();
                IntPtr data;
                long length, count;
                PackedView(api, out data, out length, out count);
                return WxPay.BuildXml(api, (byte*)data, length, count);
            }
        }

        private unsafe void PackedView(Api api, out IntPtr data, out long length, out long count)
        {
            IntPtr d;
            UIntPtr l, c;
            Ensure.Success(api, api.FieldsPacked(handle.DangerousGetHandle(), &d, &l, &c));
            data = d;
            length = (long)l.ToUInt64();
            count = (long)c.ToUInt64();
        }

        /// <summary>The library, if this set is still alive. Callers hold <see cref="gate"/>,
        /// which <see cref="Dispose"/> also takes, so the handle cannot close mid-call.</summary>
        private Api Live()
        {
            if (handle.IsClosed || handle.IsInvalid)
            {
                throw new ObjectDisposedException(nameof(WxPayFields));
            }
            return LibraryLoader.Api;
        }

        /// <summary>Copies a native set into a dictionary in one call.</summary>
        internal static unsafe Dictionary<string, string> Read(Api api, FieldsHandle fields)
        {
            bool added = false;
            fields.DangerousAddRef(ref added);
            try
            {
                IntPtr data;
                UIntPtr length, count;
                Ensure.Success(api, api.FieldsPacked(fields.DangerousGetHandle(), &data, &length, &count));
                return Packed.ToDictionary((byte*)data, (long)length.ToUInt64(), (long)count.ToUInt64());
            }
            finally
            {
                if (added)
                {
                    fields.DangerousRelease();
                }
            }
        }

        internal static unsafe FieldsHandle ParseInto(Api api, byte[] xml, int maxSize)
        {
            WxPay.CheckXmlArguments(xml, maxSize);
            var result = new FieldsHandle();
            int code;
            fixed (byte* document = xml)
            {
                IntPtr raw = IntPtr.Zero;
                try
                {
                }
                finally
                {
                    code = api.XmlParse(document, (UIntPtr)xml.Length, (UIntPtr)maxSize, &raw);
                    result.Adopt(raw);
                }
            }
            if (code != Ensure.Ok)
            {
                WxPayException failure = Ensure.Exception(api, code);
                result.Dispose();
                throw failure;
            }
            return result;
        }
    }
}
