using Tailor.Server.Tests.Hosting;

// One real app (Kestrel + SQLite) serves every test that does not need a process of its own.
[assembly: AssemblyFixture(typeof(TailorAppFixture))]
