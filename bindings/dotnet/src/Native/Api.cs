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
    internal unsafe delegate int FieldsIndexedFn(byte* data, UIntPtr len, UIntPtr count, byte* name, IntPtr* outFields);

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

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate IntPtr ConfigNewFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetFn(IntPtr config, byte* name, byte* value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetP12Fn(IntPtr config, byte* data, UIntPtr len, byte* password);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetP12FileFn(IntPtr config, byte* path, byte* password);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetPemFn(IntPtr config, byte* cert, UIntPtr certLen, byte* key, UIntPtr keyLen,
        byte* keyPassword);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetPemFilesFn(IntPtr config, byte* certPath, byte* keyPath, byte* keyPassword);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetRootCaFn(IntPtr config, byte* pem, UIntPtr len);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ConfigSetRootCaFileFn(IntPtr config, byte* path);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate int ConfigSetLogFn(IntPtr config, IntPtr callback, IntPtr userData, int minLevel);

    /// <summary>The C <c>wxpay_log_callback</c>; the library calls it on the requesting thread.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal unsafe delegate void LogCallbackFn(IntPtr userData, int level, byte* message, UIntPtr messageLen);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ClientNewFn(IntPtr config, IntPtr* outClient);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int RequestFn(IntPtr client, byte* path, byte* fields, UIntPtr len, UIntPtr count,
        IntPtr* outResponse);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int PayBankFn(IntPtr client, byte* fields, UIntPtr len, UIntPtr count, IntPtr* outResponse);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int DownloadFn(IntPtr client, byte* path, byte* fields, UIntPtr len, UIntPtr count,
        IntPtr* outData, UIntPtr* outLen);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal delegate void BytesFreeFn(IntPtr data, UIntPtr len);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int EndpointInfoFn(byte* path, EndpointStruct* outInfo);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ErrCodeRetryFn(byte* path, byte* errCode, int* outRetry);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int CertInfoFn(byte* data, UIntPtr len, byte* key, UIntPtr keyLen, byte* password,
        IntPtr* outInfo);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int ClientFieldsFn(IntPtr client, IntPtr* outFields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int MccCategoryFn(int code, IntPtr* outCategory);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int MccCodeFn(byte* category, int* outCode);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int FieldsOutFn(IntPtr* outFields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NotifyPaymentFn(IntPtr client, byte* body, UIntPtr len, IntPtr* outFields, int* outPaid);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NotifyRefundFn(IntPtr client, byte* body, UIntPtr len, IntPtr* outInfo, IntPtr* outOuter);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NotifyReplyFn(int success, byte* message, IntPtr* outXml, UIntPtr* outLen);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NativeUrlFn(IntPtr client, byte* productId, ulong timestamp, byte* nonce, IntPtr* outUrl,
        UIntPtr* outLen);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int PapayUrlFn(IntPtr client, byte* fields, UIntPtr len, UIntPtr count, IntPtr* outUrl,
        UIntPtr* outLen);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NativeScanFn(IntPtr client, byte* body, UIntPtr len, IntPtr* outFields);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int NativeReplyFn(IntPtr client, byte* prepayId, byte* message, IntPtr* outXml, UIntPtr* outLen);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int PayParamsFn(IntPtr client, int kind, byte* prepayId, byte* appId, ulong timestamp, byte* nonce,
        IntPtr* outParams);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int MicropayOptionsDefaultFn(MicropayOptionsStruct* outOptions);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int MicropayFn(IntPtr client, byte* fields, UIntPtr len, UIntPtr count, MicropayOptionsStruct* options,
        int* outState, IntPtr* outFields, IntPtr* outSteps);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int BillParseFn(byte* data, UIntPtr len, IntPtr* outRows, IntPtr* outSummary);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int DownloadBillFn(IntPtr client, byte* path, byte* fields, UIntPtr len, UIntPtr count,
        IntPtr* outRows, IntPtr* outSummary);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int TablePackedFn(IntPtr table, IntPtr* outColumns, UIntPtr* outColumnsLen, UIntPtr* outColumnCount,
        IntPtr* outCells, UIntPtr* outCellsLen, UIntPtr* outRowCount);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int SignerNewFn(byte* key, UIntPtr keyLen, int signType, IntPtr* outSigner);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int SignerSignFn(IntPtr signer, byte* fields, UIntPtr len, UIntPtr count, byte* output,
        UIntPtr capacity);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int SignerVerifyFn(IntPtr signer, byte* fields, UIntPtr len, UIntPtr count, int* outSignType);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl), SuppressUnmanagedCodeSecurity]
    internal unsafe delegate int SignerVerifyXmlFn(IntPtr signer, byte* xml, UIntPtr len, UIntPtr maxSize, IntPtr* outFields);

    /// <summary>The C <c>wxpay_micropay_options</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MicropayOptionsStruct
    {
        internal ulong PollIntervalMs;
        internal ulong PollDeadlineMs;
        internal ulong ReverseAttempts;
        internal ulong ReverseIntervalMs;
    }

    /// <summary>The C <c>wxpay_endpoint</c>, field for field (C <c>bool</c> is one byte).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct EndpointStruct
    {
        internal int Matched;
        internal byte Sandbox;
        internal byte Certificate;
        internal byte SignedResponse;
        internal int BodyKind;
        internal byte Md5;
        internal byte HmacSha256;
        internal byte SendsSignType;
        internal byte SubIds;
        internal IntPtr AppIdField;
        internal IntPtr MchIdField;
        internal IntPtr Required;
        internal UIntPtr RequiredLen;
        internal UIntPtr RequiredCount;
        internal IntPtr OneOf;
        internal UIntPtr OneOfLen;
        internal UIntPtr OneOfCount;
    }

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
        internal readonly CodeFn LastErrorRetry;
        internal readonly ResultNameFn ResultName;
        internal readonly FieldsNewFn FieldsNew;
        internal readonly FieldsFromPackedFn FieldsFromPacked;
        internal readonly FieldsIndexedFn FieldsIndexed;
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
        internal readonly ConfigNewFn ConfigNew;
        internal readonly FreeFn ConfigFree;
        internal readonly ConfigSetFn ConfigSet;
        internal readonly ConfigSetP12Fn ConfigSetP12;
        internal readonly ConfigSetP12FileFn ConfigSetP12File;
        internal readonly ConfigSetPemFn ConfigSetPem;
        internal readonly ConfigSetPemFilesFn ConfigSetPemFiles;
        internal readonly ConfigSetRootCaFn ConfigSetRootCa;
        internal readonly ConfigSetRootCaFileFn ConfigSetRootCaFile;
        internal readonly ConfigSetLogFn ConfigSetLog;
        internal readonly ClientNewFn ClientNew;
        internal readonly FreeFn ClientFree;
        internal readonly RequestFn Request;
        internal readonly PayBankFn PayBank;
        internal readonly DownloadFn Download;
        internal readonly BytesFreeFn BytesFree;
        internal readonly EndpointInfoFn EndpointInfo;
        internal readonly ErrCodeRetryFn ErrCodeRetry;
        internal readonly CertInfoFn CertInfo;
        internal readonly ClientFieldsFn ClientCertStatus;
        internal readonly ClientFieldsFn ClientReloadCertificate;
        internal readonly MccCategoryFn MccCategory;
        internal readonly MccCodeFn MccCode;
        internal readonly FieldsOutFn MccList;
        internal readonly NotifyPaymentFn NotifyPayment;
        internal readonly NotifyPaymentFn NotifyContract;
        internal readonly PapayUrlFn PapayUrl;
        internal readonly NotifyRefundFn NotifyRefund;
        internal readonly NotifyReplyFn NotifyReply;
        internal readonly NativeUrlFn NativeUrl;
        internal readonly NativeScanFn NativeScan;
        internal readonly NativeReplyFn NativeReply;
        internal readonly PayParamsFn PayParams;
        internal readonly MicropayOptionsDefaultFn MicropayOptionsDefault;
        internal readonly MicropayFn Micropay;
        internal readonly BillParseFn BillParse;
        internal readonly DownloadBillFn DownloadBill;
        internal readonly TablePackedFn TablePacked;
        internal readonly FreeFn TableFree;
        internal readonly SignerNewFn SignerNew;
        internal readonly FreeFn SignerFree;
        internal readonly SignerSignFn SignerSign;
        internal readonly SignerVerifyFn SignerVerify;
        internal readonly SignerVerifyXmlFn SignerVerifyXml;

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
            LastErrorRetry = Bind<CodeFn>(library, "wxpay_last_error_retry");
            ResultName = Bind<ResultNameFn>(library, "wxpay_result_name");
            FieldsNew = Bind<FieldsNewFn>(library, "wxpay_fields_new");
            FieldsFromPacked = Bind<FieldsFromPackedFn>(library, "wxpay_fields_from_packed");
            FieldsIndexed = Bind<FieldsIndexedFn>(library, "wxpay_fields_indexed");
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
            ConfigNew = Bind<ConfigNewFn>(library, "wxpay_config_new");
            ConfigFree = Bind<FreeFn>(library, "wxpay_config_free");
            ConfigSet = Bind<ConfigSetFn>(library, "wxpay_config_set");
            ConfigSetP12 = Bind<ConfigSetP12Fn>(library, "wxpay_config_set_p12");
            ConfigSetP12File = Bind<ConfigSetP12FileFn>(library, "wxpay_config_set_p12_file");
            ConfigSetPem = Bind<ConfigSetPemFn>(library, "wxpay_config_set_pem");
            ConfigSetPemFiles = Bind<ConfigSetPemFilesFn>(library, "wxpay_config_set_pem_files");
            ConfigSetRootCa = Bind<ConfigSetRootCaFn>(library, "wxpay_config_set_root_ca");
            ConfigSetRootCaFile = Bind<ConfigSetRootCaFileFn>(library, "wxpay_config_set_root_ca_file");
            ConfigSetLog = Bind<ConfigSetLogFn>(library, "wxpay_config_set_log");
            ClientNew = Bind<ClientNewFn>(library, "wxpay_client_new");
            ClientFree = Bind<FreeFn>(library, "wxpay_client_free");
            Request = Bind<RequestFn>(library, "wxpay_request");
            PayBank = Bind<PayBankFn>(library, "wxpay_pay_bank");
            Download = Bind<DownloadFn>(library, "wxpay_download");
            BytesFree = Bind<BytesFreeFn>(library, "wxpay_bytes_free");
            EndpointInfo = Bind<EndpointInfoFn>(library, "wxpay_endpoint_info");
            ErrCodeRetry = Bind<ErrCodeRetryFn>(library, "wxpay_err_code_retry");
            CertInfo = Bind<CertInfoFn>(library, "wxpay_cert_info");
            ClientCertStatus = Bind<ClientFieldsFn>(library, "wxpay_client_cert_status");
            ClientReloadCertificate = Bind<ClientFieldsFn>(library, "wxpay_client_reload_certificate");
            MccCategory = Bind<MccCategoryFn>(library, "wxpay_mcc_category");
            MccCode = Bind<MccCodeFn>(library, "wxpay_mcc_code");
            MccList = Bind<FieldsOutFn>(library, "wxpay_mcc_list");
            NotifyPayment = Bind<NotifyPaymentFn>(library, "wxpay_notify_payment");
            NotifyContract = Bind<NotifyPaymentFn>(library, "wxpay_notify_contract");
            PapayUrl = Bind<PapayUrlFn>(library, "wxpay_papay_url");
            NotifyRefund = Bind<NotifyRefundFn>(library, "wxpay_notify_refund");
            NotifyReply = Bind<NotifyReplyFn>(library, "wxpay_notify_reply");
            NativeUrl = Bind<NativeUrlFn>(library, "wxpay_native_url");
            NativeScan = Bind<NativeScanFn>(library, "wxpay_native_scan");
            NativeReply = Bind<NativeReplyFn>(library, "wxpay_native_reply");
            PayParams = Bind<PayParamsFn>(library, "wxpay_pay_params");
            MicropayOptionsDefault = Bind<MicropayOptionsDefaultFn>(library, "wxpay_micropay_options_default");
            Micropay = Bind<MicropayFn>(library, "wxpay_micropay");
            BillParse = Bind<BillParseFn>(library, "wxpay_bill_parse");
            DownloadBill = Bind<DownloadBillFn>(library, "wxpay_download_bill");
            TablePacked = Bind<TablePackedFn>(library, "wxpay_table_packed");
            TableFree = Bind<FreeFn>(library, "wxpay_table_free");
            SignerNew = Bind<SignerNewFn>(library, "wxpay_signer_new");
            SignerFree = Bind<FreeFn>(library, "wxpay_signer_free");
            SignerSign = Bind<SignerSignFn>(library, "wxpay_signer_sign");
            SignerVerify = Bind<SignerVerifyFn>(library, "wxpay_signer_verify");
            SignerVerifyXml = Bind<SignerVerifyXmlFn>(library, "wxpay_signer_verify_xml");
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
