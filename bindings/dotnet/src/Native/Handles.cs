using System;
using System.Runtime.InteropServices;

namespace WeChatPay.Native
{
    /// <summary>An owned <c>wxpay_fields*</c>, freed with <c>wxpay_fields_free</c>.</summary>
    internal sealed class FieldsHandle : SafeHandle
    {
        internal FieldsHandle()
            : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

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
    internal sealed class StringHandle : SafeHandle
    {
        internal StringHandle()
            : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

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
}
