[assembly: AssemblyFixture(typeof(DataGen.Tests.Shared.PostgresServer))]
