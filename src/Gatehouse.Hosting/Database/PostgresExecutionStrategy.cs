using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Gatehouse.Hosting.Database;

/// <summary>
/// Npgsql's retrying strategy, without retrying a command that timed out: a statement waiting on a
/// lock would wait the whole timeout again each time, and a stalled store must give a prompt 503
/// (docs/security-checklist.md DB3). A dropped or refused connection is still retried.
/// </summary>
public sealed class PostgresExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount: 2, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)
{
    protected override bool ShouldRetryOn(Exception? exception) =>
        base.ShouldRetryOn(exception) && !IsTimeout(exception);

    private static bool IsTimeout(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // 57014: query_canceled, what a command timeout ends as on the server.
            if (e is TimeoutException or PostgresException { SqlState: PostgresErrorCodes.QueryCanceled })
            {
                return true;
            }
        }

        return false;
    }
}
