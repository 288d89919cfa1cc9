// The server is this assembly's fixture; MySqlServer.cs is also compiled into the CLI tests, as a class fixture there.
[assembly: AssemblyFixture(typeof(DataGen.MySql.Tests.MySqlServer))]
