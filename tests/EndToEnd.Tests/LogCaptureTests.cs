using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>The log scan in the credentials journey is only as good as its capture: prove it sees a plane's log lines.</summary>
public sealed class LogCaptureTests
{
    [Fact]
    public async Task LogCapture_AHostLogsAtInformation_LineIsCaptured()
    {
        var logs = LogCapture.Process;
        var marker = "marker-" + Guid.NewGuid();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection([new("Logging:EventSource:LogLevel:Default", "Information")]);
        await using var app = builder.Build();
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gatehouse.Portal.Provisioning.Provisioner").LogInformation("Logged {Marker} here", marker);

        Assert.Contains(logs.Lines, l => l.Contains(marker, StringComparison.Ordinal));
    }
}
