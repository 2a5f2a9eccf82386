using Tailor.Client.Tests;

[assembly: AssemblyFixture(typeof(NodeFixture))]
