using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Gatehouse.Portal.Usage;

/// <summary>One stacked or plotted series: its legend name and the CSS class that colours it (usage.css).</summary>
public sealed record ChartSeries<T>(string Name, string CssClass, IReadOnlyList<T> Values);

/// <summary>
/// Server-rendered SVG charts: no script, no CDN, no inline style (the CSP forbids it; colours come
/// from classes in usage.css). Each chart is <c>role="img"</c> with a <c>title</c> and a <c>desc</c>
/// that summarises it in words; the page puts the data table next to it (WCAG 1.1.1).
/// </summary>
public static class SvgCharts
{
    private const double Width = 720, Height = 240, Left = 56, Right = 12, Top = 14, Bottom = 36;
    private const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>Bars per bucket, the series stacked bottom-up.</summary>
    public static IHtmlContent StackedBars(string id, string title, string description, IReadOnlyList<DateTimeOffset> starts, TimeSpan bucket, IReadOnlyList<ChartSeries<int>> series)
    {
        var totals = starts.Select((_, i) => series.Sum(s => s.Values[i])).ToList();
        var max = NiceMax(totals.DefaultIfEmpty(0).Max());
        var svg = Open(id, title, description);
        Grid(svg, max, v => v.ToString("N0", CultureInfo.InvariantCulture));
        TimeAxis(svg, starts, bucket);
        if (totals.Sum() == 0)
        {
            Empty(svg);
        }
        else
        {
            var slot = PlotWidth / starts.Count;
            var barWidth = Math.Max(1, slot * 0.8);
            for (var i = 0; i < starts.Count; i++)
            {
                var y = Top + PlotHeight;
                foreach (var s in series)
                {
                    var value = s.Values[i];
                    if (value == 0)
                    {
                        continue;
                    }

                    var h = PlotHeight * value / max;
                    y -= h;
                    svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{s.CssClass}\" x=\"{F(Left + (i * slot) + ((slot - barWidth) / 2))}\" y=\"{F(y)}\" width=\"{F(barWidth)}\" height=\"{F(h)}\"></rect>");
                }
            }
        }

        return Close(svg);
    }

    /// <summary>Lines per bucket; a bucket without a value (no calls) breaks the line.</summary>
    public static IHtmlContent Lines(string id, string title, string description, IReadOnlyList<DateTimeOffset> starts, TimeSpan bucket, IReadOnlyList<ChartSeries<double?>> series, string unit)
    {
        var values = series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).ToList();
        var max = NiceMax(values.DefaultIfEmpty(0).Max());
        var svg = Open(id, title, description);
        Grid(svg, max, v => v.ToString("0.#", CultureInfo.InvariantCulture) + " " + unit);
        TimeAxis(svg, starts, bucket);
        if (values.Count == 0)
        {
            Empty(svg);
        }
        else
        {
            var slot = PlotWidth / starts.Count;
            foreach (var s in series)
            {
                var points = new List<string>();
                void Flush()
                {
                    if (points.Count == 1)
                    {
                        var xy = points[0].Split(',');
                        svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"{s.CssClass}\" cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"2.5\"></circle>");
                    }
                    else if (points.Count > 1)
                    {
                        svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"{s.CssClass}\" points=\"{string.Join(' ', points)}\"></polyline>");
                    }

                    points.Clear();
                }

                for (var i = 0; i < starts.Count; i++)
                {
                    if (s.Values[i] is not { } v)
                    {
                        Flush();
                        continue;
                    }

                    points.Add($"{F(Left + (i * slot) + (slot / 2))},{F(Top + PlotHeight - (PlotHeight * v / max))}");
                }

                Flush();
            }
        }

        return Close(svg);
    }

    /// <summary>One horizontal bar per category, with its count and share written at its end.</summary>
    public static IHtmlContent HorizontalBars(string id, string title, string description, IReadOnlyList<(string Label, string CssClass, int Value)> bars)
    {
        const double rowHeight = 34, labelWidth = 150;
        var height = Top + (rowHeight * Math.Max(1, bars.Count)) + 8;
        var total = bars.Sum(b => b.Value);
        var max = Math.Max(1, bars.Select(b => b.Value).DefaultIfEmpty(0).Max());
        var svg = Open(id, title, description, height);
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, css, value) = bars[i];
            var y = Top + (i * rowHeight);
            var w = (Width - labelWidth - 150) * value / max;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"{F(labelWidth - 8)}\" y=\"{F(y + 18)}\" text-anchor=\"end\">{Encoder.Encode(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{css}\" x=\"{F(labelWidth)}\" y=\"{F(y + 4)}\" width=\"{F(w)}\" height=\"20\"></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"value-label\" x=\"{F(labelWidth + w + 6)}\" y=\"{F(y + 18)}\">{value.ToString("N0", CultureInfo.InvariantCulture)} ({Share(value, total)})</text>");
        }

        return Close(svg);
    }

    /// <summary>"12.5%", or "—" when there is nothing to divide.</summary>
    public static string Share(int part, int total) =>
        total == 0 ? "—" : (100.0 * part / total).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>How a bucket start is labelled: times for short periods, dates and times for a week (UTC).</summary>
    public static string TimeLabel(DateTimeOffset at, TimeSpan bucket) =>
        at.UtcDateTime.ToString(bucket >= TimeSpan.FromHours(1) ? "ddd d MMM HH:mm" : "HH:mm", CultureInfo.InvariantCulture);

    private static StringBuilder Open(string id, string title, string description, double height = Height)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" id=\"{Encoder.Encode(id)}\" role=\"img\" aria-labelledby=\"{Encoder.Encode(id)}-title {Encoder.Encode(id)}-desc\" viewBox=\"0 0 {F(Width)} {F(height)}\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{Encoder.Encode(id)}-title\">{Encoder.Encode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{Encoder.Encode(id)}-desc\">{Encoder.Encode(description)}</desc>");
        return svg;
    }

    private static HtmlString Close(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static void Grid(StringBuilder svg, double max, Func<double, string> format)
    {
        foreach (var fraction in new[] { 0, 0.5, 1 })
        {
            var y = Top + PlotHeight - (PlotHeight * fraction);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"{(fraction == 0 ? "axis" : "gridline")}\" x1=\"{F(Left)}\" x2=\"{F(Left + PlotWidth)}\" y1=\"{F(y)}\" y2=\"{F(y)}\"></line>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"{F(Left - 6)}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{Encoder.Encode(format(max * fraction))}</text>");
        }
    }

    private static void TimeAxis(StringBuilder svg, IReadOnlyList<DateTimeOffset> starts, TimeSpan bucket)
    {
        if (starts.Count == 0)
        {
            return;
        }

        var slot = PlotWidth / starts.Count;
        foreach (var (i, anchor) in new[] { (0, "start"), (starts.Count / 2, "middle"), (starts.Count - 1, "end") }.DistinctBy(p => p.Item1))
        {
            var x = anchor switch { "start" => Left, "end" => Left + PlotWidth, _ => Left + (i * slot) + (slot / 2) };
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"{F(x)}\" y=\"{F(Height - 12)}\" text-anchor=\"{anchor}\">{Encoder.Encode(TimeLabel(starts[i], bucket))}</text>");
        }
    }

    private static void Empty(StringBuilder svg) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"empty-label\" x=\"{F(Left + (PlotWidth / 2))}\" y=\"{F(Top + (PlotHeight / 2))}\" text-anchor=\"middle\">No requests in this period</text>");

    /// <summary>A round axis maximum at or above <paramref name="value"/> (1, 2, 5 × 10ⁿ), never 0.</summary>
    public static double NiceMax(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
