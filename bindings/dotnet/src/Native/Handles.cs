using System;
using System.Runtime.InteropServices;

namespace WeChatPay.Native
{
    /// <summary>A pointer the library handed out, null until adopted; each subclass frees its kind.</summary>
    internal abstract class LibraryHandle : SafeHandle
    {
        protected LibraryHandle()
            : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }
    }

    /// <summary>An owned <c>wxpay_fields*</c>, freed with <c>wxpay_fields_free</c>.</summary>
    internal sealed class FieldsHandle : LibraryHandle
    {
        /// <summary>Takes ownership of a pointer an out-parameter received.</summary>
        /// <remarks>Called from a finally block right after the native call, so that
        /// nothing can interrupt the thread between the call and the adoption.</remarks>
        internal void Adopt(IntPtr fields)
        {
            SetHandle(fields);
        }

        protected override bool ReleaseHandle()
        {
            // A non-zero handle exists only once the library has been loaded.
            LibraryLoader.Api.FieldsFree(handle);
            return true;
        }
    }

    /// <summary>An owned <c>char*</c> from the library, freed with <c>wxpay_string_free</c>.</summary>
    internal sealed class StringHandle : LibraryHandle
    {
        /// <summary>As <see cref="FieldsHandle.Adopt"/>.</summary>
        internal void Adopt(IntPtr text)
        {
            SetHandle(text);
        }

        protected override bool ReleaseHandle()
        {
            LibraryLoader.Api.StringFree(handle);
            return true;
        }
    }

    /// <summary>An owned <c>wxpay_config*</c>, freed with <c>wxpay_config_free</c> (which wipes the secrets it copied).</summary>
    internal sealed class ConfigHandle : LibraryHandle
    {
        internal void Adopt(IntPtr config)
        {
            SetHandle(config);
        }

        protected override bool ReleaseHandle()
        {
            LibraryLoader.Api.ConfigFree(handle);
            return true;
        }
    }

    /// <summary>
    /// An owned <c>wxpay_client*</c>, freed with <c>wxpay_client_free</c>, together with the
    /// GC handle of the log sink the native client calls back into.
    /// </summary>
    /// <remarks>
    /// The sink must stay reachable exactly as long as the native client can call it, so it is
    /// released here, after <c>wxpay_client_free</c> has returned. SafeHandle's reference count
    /// defers this until the last call in flight on another thread has finished.
    /// </remarks>
    internal sealed class ClientHandle : LibraryHandle
    {
        private GCHandle logSink;

        /// <summary>Takes ownership of a new client and of the GC handle its log callback receives.</summary>
        internal void Adopt(IntPtr client, GCHandle sink)
        {
            logSink = sink;
            SetHandle(client);
        }

        protected override bool ReleaseHandle()
        {
            LibraryLoader.Api.ClientFree(handle);
            if (logSink.IsAllocated)
            {
                logSink.Free();
            }
            return true;
        }
    }

    /// <summary>An owned <c>wxpay_table*</c>, freed with <c>wxpay_table_free</c>.</summary>
    internal sealed class TableHandle : LibraryHandle
    {
        internal void Adopt(IntPtr table)
        {
            SetHandle(table);
        }

        protected override bool ReleaseHandle()
        {
            LibraryLoader.Api.TableFree(handle);
            return true;
        }
    }

    /// <summary>Bytes from <c>wxpay_download</c>, freed with <c>wxpay_bytes_free(data, len)</c>.</summary>
    internal sealed class BytesHandle : LibraryHandle
    {
        private UIntPtr length;

        internal long Length
        {
            get { return (long)length.ToUInt64(); }
        }

        internal void Adopt(IntPtr data, UIntPtr dataLength)
        {
            length = dataLength;
            SetHandle(data);
        }

        protected override bool ReleaseHandle()
        {
            LibraryLoader.Api.BytesFree(handle, length);
            return true;
        }
    }

    /// <summary>An owned <c>wxpay_signer*</c>, freed with <c>wxpay_signer_free</c> (which wipes its copy of the key).</summary>
    /// <remarks>Calls hold a reference (DangerousAddRef) for their duration, so a Dispose on another
    /// thread closes the handle at once but frees the signer only after the last call has returned.</remarks>
    internal sealed class SignerHandle : LibraryHandle
    {
        internal void Adopt(IntPtr signer)
        {
            SetHandle(signer);
        }

        protected override bool ReleaseHandle()
        {
            LibraryLoader.Api.SignerFree(handle);
            return true;
        }
    }
}
