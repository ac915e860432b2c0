using System;
using System.Runtime.InteropServices;
using System.Text;

namespace WeChatPay.Native
{
    /// <summary>The dynamic loader of glibc: where libwxpay.so is opened and its symbols found.</summary>
    /// <remarks>
    /// A <c>DllImport("wxpay")</c> cannot be pointed at a path chosen at run time on
    /// netstandard2.0 (no NativeLibrary API), and preloading the file with dlopen does
    /// not help either: the Rust cdylib has no DT_SONAME, so the runtime's own lookup of
    /// "libwxpay.so" never matches the already loaded copy. Binding every function through
    /// dlsym works the same way on Mono and CoreCLR.
    /// </remarks>
    /// <remarks>
    /// Paths and names cross as NUL-terminated UTF-8 byte arrays built here rather than with
    /// UnmanagedType.LPUTF8Str, so that nothing depends on how a given runtime supports it.
    /// </remarks>
    internal static class Dl
    {
        private const int RTLD_NOW = 2;

        private static class LibDl
        {
            [DllImport("libdl.so.2", EntryPoint = "dlopen")]
            internal static extern IntPtr Open(byte[] path, int flags);

            [DllImport("libdl.so.2", EntryPoint = "dlsym")]
            internal static extern IntPtr Symbol(IntPtr handle, byte[] name);

            [DllImport("libdl.so.2", EntryPoint = "dlerror")]
            internal static extern IntPtr Error();
        }

        // glibc 2.34 and later define the loader in libc itself; libdl.so.2 may be absent there.
        private static class LibC
        {
            [DllImport("libc.so.6", EntryPoint = "dlopen")]
            internal static extern IntPtr Open(byte[] path, int flags);

            [DllImport("libc.so.6", EntryPoint = "dlsym")]
            internal static extern IntPtr Symbol(IntPtr handle, byte[] name);

            [DllImport("libc.so.6", EntryPoint = "dlerror")]
            internal static extern IntPtr Error();
        }

        private static bool useLibC;

        /// <summary>Opens a shared library; on failure returns zero and the loader's reason.</summary>
        internal static IntPtr Open(string path, out string error)
        {
            byte[] file = Terminated(path);
            IntPtr handle;
            if (!useLibC)
            {
                try
                {
                    // dlerror is called once first so that the runtime binds it now: binding it
                    // lazily after a failed dlopen runs the loader again, which clears the message.
                    LibDl.Error();
                }
                catch (DllNotFoundException)
                {
                    useLibC = true;
                }
            }
            if (useLibC)
            {
                LibC.Error();
                handle = LibC.Open(file, RTLD_NOW);
            }
            else
            {
                handle = LibDl.Open(file, RTLD_NOW);
            }
            error = handle == IntPtr.Zero ? LastError() : null;
            return handle;
        }

        /// <summary>The address of an exported symbol, or zero.</summary>
        internal static IntPtr Symbol(IntPtr library, string name)
        {
            byte[] symbol = Terminated(name);
            return useLibC ? LibC.Symbol(library, symbol) : LibDl.Symbol(library, symbol);
        }

        private static byte[] Terminated(string text)
        {
            return Encoding.UTF8.GetBytes(text + "\0");
        }

        private static string LastError()
        {
            IntPtr message = useLibC ? LibC.Error() : LibDl.Error();
            return message == IntPtr.Zero ? "unknown error" : Utf8.FromNative(message);
        }
    }
}
