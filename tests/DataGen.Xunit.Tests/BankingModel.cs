using DataGen.Simulations;

namespace DataGen.Xunit.Tests;

/// <summary>A small banking state machine in C#: balances change with income and spending (vetoed when too low).</summary>
public sealed class BankingModel : ISimulationModel
{
    public Simulation Create() => Simulation.Create("banking")
        .States("offline", "online")
        .Subjects(100, ctx => new Dictionary<string, object?> { ["id"] = ctx.Index + 1, ["balance"] = ctx.Random.Decimal(0, 500) })
        .Ticks(1_440)
        .Emit("amount", "balance")
        .Stream("transactions")
        .Transition("income", "offline", "offline", 0.5, ctx =>
        {
            var amount = ctx.Random.Decimal(100, 1000);
            ctx.Values["amount"] = amount;
            ctx["balance"] = (decimal)ctx["balance"]! + amount;
            return true;
        })
        .Transition("spend", "offline", "offline", 2, ctx =>
        {
            var amount = ctx.Random.Decimal(1, 200);
            if ((decimal)ctx["balance"]! < amount)
            {
                return false;
            }

            ctx.Values["amount"] = -amount;
            ctx["balance"] = (decimal)ctx["balance"]! - amount;
            return true;
        })
        .Transition("login", "offline", "online", 1)
        .Transition("logout", "online", "offline", 10)
        .Build();
}
