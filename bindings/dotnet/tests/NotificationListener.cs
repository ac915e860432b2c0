using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace WeChatPay.Tests
{
    /// <summary>
    /// A merchant's notify_url on loopback: a <see cref="TcpListener"/> speaking just enough HTTP/1.1
    /// to take a POST with a Content-Length, hand its body to a handler and answer with the handler's
    /// XML (HTTP 200), as a merchant's endpoint does.
    /// </summary>
    /// <remarks>
    /// Not <see cref="HttpListener"/>: on .NET Core 3.1 for Linux its Start loads the runtime's
    /// OpenSSL shim, which aborts the process on a system with only OpenSSL 3 (Debian 12).
    /// </remarks>
    internal sealed class NotificationListener : IDisposable
    {
        private readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly Func<byte[], string> handler;
        private readonly Thread loop;
        private readonly BlockingCollection<Received> received = new BlockingCollection<Received>();
        private volatile bool stopping;

        internal sealed class Received
        {
            internal byte[] Body;
            internal string Reply;
            internal Exception Failure;
        }

        internal NotificationListener(Func<byte[], string> handler)
        {
            this.handler = handler;
            listener.Start();
            Url = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port + "/wxpay/notify";
            loop = new Thread(Serve) { IsBackground = true };
            loop.Start();
        }

        internal string Url { get; private set; }

        /// <summary>The next notification that arrived, or null if none came within <paramref name="wait"/>.</summary>
        internal Received Next(TimeSpan wait)
        {
            Received item;
            return received.TryTake(out item, wait) ? item : null;
        }

        private void Serve()
        {
            while (!stopping)
            {
                // Accept only what is already waiting: on .NET Core for Linux, stopping a listener does
                // not wake a thread blocked in accept, and the close then waits for that thread for ever.
                if (!listener.Server.Poll(50000, SelectMode.SelectRead))
                {
                    continue;
                }
                TcpClient connection = listener.AcceptTcpClient();
                using (connection)
                {
                    var item = new Received();
                    try
                    {
                        NetworkStream stream = connection.GetStream();
                        item.Body = ReadRequestBody(stream);
                        try
                        {
                            item.Reply = handler(item.Body);
                        }
                        catch (Exception e)
                        {
                            item.Failure = e;
                            item.Reply = WxPay.NotificationReply(false, "merchant error");
                        }
                        WriteResponse(stream, item.Reply);
                    }
                    catch (Exception e)
                    {
                        item.Failure = e;
                    }
                    received.Add(item);
                }
            }
        }

        internal static byte[] ReadRequestBody(Stream stream)
        {
            var head = new StringBuilder();
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = stream.ReadByte();
                if (b < 0 || head.Length > 16384)
                {
                    throw new InvalidDataException("the request ended inside its headers");
                }
                head.Append((char)b);
            }
            int length = -1;
            foreach (string line in head.ToString().Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line.Substring(15).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }
            if (length < 0)
            {
                throw new InvalidDataException("no Content-Length (the simulator always sends one): " + head);
            }
            var body = new byte[length];
            for (int read = 0; read < length;)
            {
                int n = stream.Read(body, read, length - read);
                if (n <= 0)
                {
                    throw new InvalidDataException("the request ended inside its body");
                }
                read += n;
            }
            return body;
        }

        internal static void WriteResponse(Stream stream, string xml)
        {
            byte[] body = Encoding.UTF8.GetBytes(xml);
            byte[] head = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: "
                + body.Length + "\r\nConnection: close\r\n\r\n");
            stream.Write(head, 0, head.Length);
            stream.Write(body, 0, body.Length);
            stream.Flush();
        }

        public void Dispose()
        {
            stopping = true;
            loop.Join();
            listener.Stop();
        }
    }
}
