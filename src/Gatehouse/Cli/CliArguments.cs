namespace Gatehouse.Cli;

/// <summary>
/// The command line as the CLI reads it: positional words, <c>--name value</c> options and the
/// <c>--json</c> flag. Deliberately small: the commands are few and their options plain.
/// </summary>
public sealed class CliArguments
{
    private static readonly HashSet<string> Flags = ["json", "help"];

    private readonly Dictionary<string, string> options = new(StringComparer.Ordinal);

    private CliArguments()
    {
    }

    public List<string> Positional { get; } = [];

    public bool Json => options.ContainsKey("json");

    public bool Help => options.ContainsKey("help");

    public string? Option(string name) => options.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses, or returns the usage error.</summary>
    public static (CliArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h")
            {
                parsed.options["help"] = "";
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                var equals = name.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    parsed.options[name[..equals]] = name[(equals + 1)..];
                }
                else if (Flags.Contains(name))
                {
                    parsed.options[name] = "";
                }
                else if (i + 1 < args.Count)
                {
                    parsed.options[name] = args[++i];
                }
                else
                {
                    return (null, $"--{name} needs a value.");
                }
            }
            else
            {
                parsed.Positional.Add(arg);
            }
        }

        return (parsed, null);
    }
}
