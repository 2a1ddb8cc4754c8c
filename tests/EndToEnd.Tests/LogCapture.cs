using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Every log line of every plane in this process, as the EventSource logger provider (which each
/// WebApplication registers by default) emits it: the formatted message and its arguments and
/// exception as JSON, at Information and up (the product's default level). One listener for the
/// whole test process, never disposed: disposing any listener of this EventSource turns the logging
/// bridge off for all of them. It also sees other tests' lines; tests look only for their own secrets.
/// </summary>
public sealed class LogCapture : EventListener
{
    public static LogCapture Process { get; } = new();

    private LogCapture()
    {
    }

    // Logging's EventSource keywords: Message (2), FormattedMessage (4), JsonMessage (8).
    private const EventKeywords Keywords = (EventKeywords)(2 | 4 | 8);

    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Extensions-Logging")
        {
            EnableEvents(eventSource, EventLevel.Verbose, Keywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.Payload is { Count: > 0 } payload)
        {
            lines.Enqueue(string.Join(" | ", payload.Select(Render)));
        }
    }

    private static string Render(object? value) => value switch
    {
        null => "",
        string s => s,
        IEnumerable<object> items => "[" + string.Join(", ", items.Select(Render)) + "]",
        IDictionary<string, object> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={Render(p.Value)}")),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
