using System.Reflection;
using System.Runtime.CompilerServices;

[assembly: AssemblyTitle("WxPay")]
[assembly: AssemblyDescription("WeChat Pay API v2 for .NET over libwxpay")]
[assembly: AssemblyVersion("0.2.0.0")]
[assembly: AssemblyInformationalVersion("0.2.0")]
// The tests reach the loader directly to load deliberately wrong libraries.
[assembly: InternalsVisibleTo("WxPay.Tests")]
