using System;
using System.Collections.Generic;
using WeChatPay.Native;

namespace WeChatPay
{
    /// <summary>A table from libwxpay (a <c>wxpay_table</c>, copied): column names and rows of as many cells.</summary>
    public sealed class WxPayTable
    {
        private WxPayTable(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows)
        {
            Columns = columns;
            Rows = rows;
        }

        /// <summary>The column names, in order (a bill's header line).</summary>
        public IReadOnlyList<string> Columns { get; private set; }

        /// <summary>The rows; each has exactly <see cref="Columns"/>.Count cells, in column order.</summary>
        public IReadOnlyList<IReadOnlyList<string>> Rows { get; private set; }

        /// <summary>The rows as dictionaries keyed by column name (a later column of the same name wins).</summary>
        /// <returns>One new dictionary per row.</returns>
        public List<Dictionary<string, string>> ToRecords()
        {
            var records = new List<Dictionary<string, string>>(Rows.Count);
            foreach (IReadOnlyList<string> row in Rows)
            {
                var record = new Dictionary<string, string>(Columns.Count, StringComparer.Ordinal);
                for (int i = 0; i < Columns.Count; i++)
                {
                    record[Columns[i]] = row[i];
                }
                records.Add(record);
            }
            return records;
        }

        /// <summary>Copies a native table in one <c>wxpay_table_packed</c> call.</summary>
        internal static unsafe WxPayTable Read(Api api, TableHandle table)
        {
            bool added = false;
            table.DangerousAddRef(ref added);
            try
            {
                IntPtr columns, cells;
                UIntPtr columnsLength, columnCount, cellsLength, rowCount;
                Ensure.Success(api, api.TablePacked(table.DangerousGetHandle(), &columns, &columnsLength, &columnCount,
                    &cells, &cellsLength, &rowCount));
                int width = checked((int)columnCount.ToUInt64());
                int height = checked((int)rowCount.ToUInt64());
                string[] names = Split((byte*)columns, checked((long)columnsLength.ToUInt64()), width);
                string[] all = Split((byte*)cells, checked((long)cellsLength.ToUInt64()), checked(width * height));
                var rows = new IReadOnlyList<string>[height];
                for (int r = 0; r < height; r++)
                {
                    var row = new string[width];
                    Array.Copy(all, r * width, row, 0, width);
                    rows[r] = Array.AsReadOnly(row);
                }
                return new WxPayTable(Array.AsReadOnly(names), Array.AsReadOnly(rows));
            }
            finally
            {
                if (added)
                {
                    table.DangerousRelease();
                }
            }
        }

        /// <summary>Exactly <paramref name="count"/> NUL-terminated strings filling exactly <paramref name="length"/> bytes.</summary>
        private static unsafe string[] Split(byte* data, long length, int count)
        {
            var parts = new string[count];
            byte* position = data;
            byte* end = data + length;
            for (int i = 0; i < count; i++)
            {
                byte* start = position;
                while (position < end && *position != 0)
                {
                    position++;
                }
                if (position == end)
                {
                    throw Inconsistent();
                }
                parts[i] = Utf8.FromNative(start, checked((int)(position - start)));
                position++;
            }
            if (position != end)
            {
                // More NULs than cells: a cell held a NUL, and reading on would shift every cell after it.
                throw Inconsistent();
            }
            return parts;
        }

        private static WxPayException Inconsistent()
        {
            return Ensure.Create(Ensure.EmbeddedNulCode, "WXPAY_RESULT_EMBEDDED_NUL",
                "libwxpay returned a table whose cells do not match its size (a NUL inside a cell); it cannot be read without changing it", null);
        }
    }

    /// <summary>
    /// A parsed bill (<c>pay/downloadbill</c>, <c>pay/downloadfundflow</c>): the rows under the bill's
    /// header, and the summary under its own header. The backticks WeChat puts before each cell are removed by libwxpay.
    /// </summary>
    public sealed class WxPayBill
    {
        internal WxPayBill(WxPayTable details, WxPayTable summary)
        {
            Details = details;
            Summary = summary;
        }

        /// <summary>The bill's rows; <c>Details.Columns</c> is its header.</summary>
        public WxPayTable Details { get; private set; }

        /// <summary>The summary (usually one row of totals); <c>Summary.Columns</c> is its header.</summary>
        public WxPayTable Summary { get; private set; }

        internal static WxPayBill Read(Api api, TableHandle rows, TableHandle summary)
        {
            return new WxPayBill(WxPayTable.Read(api, rows), WxPayTable.Read(api, summary));
        }
    }
}
