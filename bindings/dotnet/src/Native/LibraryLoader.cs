using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace WeChatPay.Native
{
    /// <summary>Finds, opens and checks libwxpay once per process.</summary>
    internal static class LibraryLoader
    {
        internal const string EnvironmentVariable = "WXPAY_LIBRARY";
        internal const string FileName = "libwxpay.so";

        private static readonly object gate = new object();
        private static volatile Api loaded;
        private static string overridePath;

        /// <summary>The bound library, loading it on first use.</summary>
        internal static Api Api
        {
            get { return loaded ?? Load(); }
        }

        internal static bool IsLoaded
        {
            get { return loaded != null; }
        }

        internal static string OverridePath
        {
            get { return overridePath; }
            set
            {
                lock (gate)
                {
                    if (loaded != null)
                    {
                        throw new InvalidOperationException(
                            "WxPay.LibraryPath must be set before the first call into the library; libwxpay is already loaded from '"
                            + loaded.Path + "'");
                    }
                    overridePath = value;
                }
            }
        }

        private static Api Load()
        {
            lock (gate)
            {
                if (loaded == null)
                {
                    // A failure is not remembered, so that the caller may fix the path and try again.
                    loaded = Open(Candidates());
                }
                return loaded;
            }
        }

        /// <summary>Where to look, in order. An explicit choice is the only candidate.</summary>
        internal static IList<string> Candidates()
        {
            if (!string.IsNullOrEmpty(overridePath))
            {
                return new[] { overridePath };
            }
            string fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return new[] { fromEnvironment };
            }
            var candidates = new List<string>();
            // .NET Core tells where the host resolved the package's native assets.
            var searchDirectories = AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string;
            if (searchDirectories != null)
            {
                foreach (string dir in searchDirectories.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
                {
                    AddDirectory(candidates, dir);
                }
            }
            // Location is "" for an assembly loaded from bytes or bundled into a single file.
            string assemblyFile = typeof(LibraryLoader).Assembly.Location;
            if (!string.IsNullOrEmpty(assemblyFile))
            {
                AddDirectory(candidates, Path.GetDirectoryName(assemblyFile));
            }
            AddDirectory(candidates, AppContext.BaseDirectory);
            // Last, the system's own search: LD_LIBRARY_PATH, the ld.so cache, /usr/lib.
            candidates.Add(FileName);
            return candidates;
        }

        private static void AddDirectory(List<string> candidates, string dir)
        {
            if (string.IsNullOrEmpty(dir))
            {
                return;
            }
            foreach (string path in new[]
                     {
                         Path.Combine(dir, FileName),
                         Path.Combine(Path.Combine(Path.Combine(Path.Combine(dir, "runtimes"), "linux-x64"), "native"), FileName),
                     })
            {
                if (!candidates.Contains(path))
                {
                    candidates.Add(path);
                }
            }
        }

        /// <summary>Opens the first candidate that loads and binds it; does not install it.</summary>
        /// <exception cref="WxPayLibraryException">None loads, or the one that does is not a matching libwxpay.</exception>
        internal static Api Open(IList<string> candidates)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                throw new WxPayLibraryException(
                    "WxPay.dll loads libwxpay through the Linux dynamic loader; " + RuntimeInformation.OSDescription
                    + " is not supported yet", null, null);
            }
            var failures = new StringBuilder();
            foreach (string path in candidates)
            {
                // A relative path with a directory part would be resolved against the
                // working directory by dlopen anyway; make that explicit in messages.
                string target = path.IndexOf('/') >= 0 ? Path.GetFullPath(path) : path;
                string error;
                IntPtr library = Dl.Open(target, out error);
                if (library != IntPtr.Zero)
                {
                    // The handle is never closed: the bound delegates live as long as the process.
                    return new Api(library, target);
                }
                failures.Append("\n  ").Append(target).Append(": ").Append(error);
            }
            throw new WxPayLibraryException(
                "libwxpay could not be loaded. Set the " + EnvironmentVariable
                + " environment variable or WxPay.LibraryPath to the path of libwxpay.so. Tried:" + failures,
                null, null);
        }
    }
}
