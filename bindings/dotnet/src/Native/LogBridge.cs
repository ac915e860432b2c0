using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WeChatPay.Native
{
    /// <summary>
    /// Carries libwxpay's log callback into a <see cref="TraceSource"/> and an optional user callback.
    /// </summary>
    /// <remarks>
    /// Lifetimes: the function pointer handed to C comes from one static delegate that lives as long
    /// as the process, so it can never be collected while a client exists. Each client gets its own
    /// <see cref="LogBridge"/>, passed to C as <c>user_data</c> through a normal <see cref="GCHandle"/>
    /// that <see cref="ClientHandle"/> frees only after <c>wxpay_client_free</c> has returned.
    /// </remarks>
    internal sealed class LogBridge
    {
        private static readonly unsafe LogCallbackFn callback = OnLog;
        private static readonly IntPtr callbackPointer = Marshal.GetFunctionPointerForDelegate(callback);

        private readonly TraceSource trace;
        private readonly Action<WxPayLogLevel, string> user;
        private readonly WxPayLogLevel userLevel;

        internal LogBridge(TraceSource trace, Action<WxPayLogLevel, string> user, WxPayLogLevel userLevel)
        {
            this.trace = trace;
            this.user = user;
            this.userLevel = userLevel;
        }

        internal static IntPtr CallbackPointer
        {
            get { return callbackPointer; }
        }

        /// <summary>Whether anybody would see a message at all; if not, the callback is not installed.</summary>
        internal static bool Wanted(TraceSource trace, Action<WxPayLogLevel, string> user)
        {
            return user != null || trace.Switch.Level != SourceLevels.Off;
        }

        internal static TraceEventType EventType(WxPayLogLevel level)
        {
            switch (level)
            {
                case WxPayLogLevel.Error:
                    return TraceEventType.Error;
                case WxPayLogLevel.Warn:
                    return TraceEventType.Warning;
                case WxPayLogLevel.Info:
                    return TraceEventType.Information;
                default:
                    return TraceEventType.Verbose;
            }
        }

        private void Write(WxPayLogLevel level, string message)
        {
            try
            {
                trace.TraceEvent(EventType(level), (int)level, message);
            }
            finally
            {
                // A throwing trace listener must not keep the message from the user's callback.
                if (user != null && level <= userLevel)
                {
                    user(level, message);
                }
            }
        }

        // Runs on a thread inside a native call: nothing may propagate out of it (an exception
        // unwinding through Rust frames aborts the process), hence the catch-all.
        private static unsafe void OnLog(IntPtr userData, int level, byte* message, UIntPtr messageLength)
        {
            LogBridge bridge = null;
            try
            {
                bridge = (LogBridge)GCHandle.FromIntPtr(userData).Target;
                string text = Utf8.FromNative(message, checked((int)messageLength.ToUInt64()));
                bridge.Write((WxPayLogLevel)level, text);
            }
            catch (Exception e)
            {
                try
                {
                    TraceSource trace = bridge != null ? bridge.trace : WxPayClient.TraceSource;
                    trace.TraceEvent(TraceEventType.Error, 0, "WxPay log callback threw " + e.GetType().FullName + ": " + e.Message);
                }
                catch (Exception)
                {
                    // Nowhere left to report it; dropping the message is the only safe choice.
                }
            }
        }
    }
}
