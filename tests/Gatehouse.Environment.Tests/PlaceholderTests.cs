namespace Gatehouse.Environment.Tests;
