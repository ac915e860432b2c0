using System;
using System.Runtime.InteropServices;
using System.Security;

namespace WeChatPay.Native
{
    // One delegate type per C signature in include/wxpay.h. All parameters are
    // blittable (pointers, sizes, ints), so calls need no marshaling beyond the
    // transition itself; strings and field sets are converted by Utf8 and Packed.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate IntPtr StaticStringFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate int CodeFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate IntPtr ResultNameFn(int code);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate IntPtr FieldsNewFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int FieldsFromPackedFn(byte* data, UIntPtr len, UIntPtr count, IntPtr* outFields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int FieldsSetFn(IntPtr fields, byte* name, byte* value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int FieldsGetFn(IntPtr fields, byte* name, IntPtr* outValue);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate UIntPtr FieldsCountFn(IntPtr fields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int FieldsPackedFn(IntPtr fields, IntPtr* outData, UIntPtr* outLen, UIntPtr* outCount);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate void FreeFn(IntPtr pointer);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NonceFn(byte* output, UIntPtr capacity);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int SignFn(byte* fields, UIntPtr len, UIntPtr count, byte* key, UIntPtr keyLen,
        int signType, byte* output, UIntPtr capacity);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int VerifyFn(byte* fields, UIntPtr len, UIntPtr count, byte* key, UIntPtr keyLen,
        int signType, int* outSignType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int VerifyXmlFn(byte* xml, UIntPtr len, UIntPtr maxSize, byte* key, UIntPtr keyLen,
        int signType, IntPtr* outFields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int XmlParseFn(byte* xml, UIntPtr len, UIntPtr maxSize, IntPtr* outFields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int XmlBuildFn(byte* fields, UIntPtr len, UIntPtr count, IntPtr* outXml, UIntPtr* outLen);

    /// <summary>The functions of one loaded libwxpay, bound by name.</summary>
    internal sealed class Api
    {
        internal const int NonceBufLen = 33;
        internal const int SignBufLen = 65;

        internal readonly string Path;
        internal readonly string Version;

        internal readonly StaticStringFn LastErrorMessage;
        internal readonly CodeFn LastErrorCode;
        internal readonly StaticStringFn LastErrorResponse;
        internal readonly ResultNameFn ResultName;
        internal readonly FieldsNewFn FieldsNew;
        internal readonly FieldsFromPackedFn FieldsFromPacked;
        internal readonly FieldsSetFn FieldsSet;
        internal readonly FieldsGetFn FieldsGet;
        internal readonly FieldsCountFn FieldsCount;
        internal readonly FieldsPackedFn FieldsPacked;
        internal readonly FreeFn FieldsFree;
        internal readonly NonceFn Nonce;
        internal readonly SignFn Sign;
        internal readonly VerifyFn Verify;
        internal readonly VerifyXmlFn VerifyXml;
        internal readonly XmlParseFn XmlParse;
        internal readonly XmlBuildFn XmlBuild;
        internal readonly FreeFn StringFree;

        /// <summary>Binds every function of the library at <paramref name="library"/>.</summary>
        /// <exception cref="WxPayLibraryException">A function is missing or the version differs.</exception>
        internal Api(IntPtr library, string path)
        {
            Path = path;
            var version = Bind<StaticStringFn>(library, "wxpay_version");
            Version = Utf8.FromNative(version());
            if (Version != WxPay.WrapperVersion)
            {
                throw new WxPayLibraryException(
                    "libwxpay at '" + path + "' is version " + Version + " but this wrapper (WxPay.dll) is version "
                    + WxPay.WrapperVersion + "; install matching versions of the two", path, Version);
            }
            LastErrorMessage = Bind<StaticStringFn>(library, "wxpay_last_error_message");
            LastErrorCode = Bind<CodeFn>(library, "wxpay_last_error_code");
            LastErrorResponse = Bind<StaticStringFn>(library, "wxpay_last_error_response");
            ResultName = Bind<ResultNameFn>(library, "wxpay_result_name");
            FieldsNew = Bind<FieldsNewFn>(library, "wxpay_fields_new");
            FieldsFromPacked = Bind<FieldsFromPackedFn>(library, "wxpay_fields_from_packed");
            FieldsSet = Bind<FieldsSetFn>(library, "wxpay_fields_set");
            FieldsGet = Bind<FieldsGetFn>(library, "wxpay_fields_get");
            FieldsCount = Bind<FieldsCountFn>(library, "wxpay_fields_count");
            FieldsPacked = Bind<FieldsPackedFn>(library, "wxpay_fields_packed");
            FieldsFree = Bind<FreeFn>(library, "wxpay_fields_free");
            Nonce = Bind<NonceFn>(library, "wxpay_nonce");
            Sign = Bind<SignFn>(library, "wxpay_sign");
            Verify = Bind<VerifyFn>(library, "wxpay_verify");
            VerifyXml = Bind<VerifyXmlFn>(library, "wxpay_verify_xml");
            XmlParse = Bind<XmlParseFn>(library, "wxpay_xml_parse");
            XmlBuild = Bind<XmlBuildFn>(library, "wxpay_xml_build");
            StringFree = Bind<FreeFn>(library, "wxpay_string_free");
        }

        private T Bind<T>(IntPtr library, string name) where T : class
        {
            IntPtr address = Dl.Symbol(library, name);
            if (address == IntPtr.Zero)
            {
                throw new WxPayLibraryException(
                    "'" + Path + "' does not export " + name + "; it is not libwxpay " + WxPay.WrapperVersion,
                    Path, Version);
            }
            return Marshal.GetDelegateForFunctionPointer<T>(address);
        }
    }
}
