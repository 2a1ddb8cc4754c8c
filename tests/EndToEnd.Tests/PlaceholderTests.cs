namespace Gatehouse.EndToEnd.Tests;
