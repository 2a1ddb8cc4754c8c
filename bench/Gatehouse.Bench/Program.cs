using Gatehouse.Bench;

// Load driver for one environment plane on 127.0.0.1 (see README.md beside this file).
return await EnvironmentLoad.RunAsync(args);
