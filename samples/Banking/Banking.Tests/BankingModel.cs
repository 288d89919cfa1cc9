using DataGen.Simulations;

namespace Banking.Tests;

/// <summary>
/// The banking state machine in C#: accounts start empty; income and spending (vetoed when the balance is too low)
/// while offline; login, logout, the loan screen and taking a loan. Every event carries the amount and the balance after it.
/// </summary>
public sealed class BankingModel : ISimulationModel
{
    public Simulation Create() => Simulation.Create("banking")
        .States("offline", "online", "loan_screen")
        .Subjects(500, ctx => new Dictionary<string, object?> { ["id"] = ctx.Index + 1, ["balance"] = 0m, ["loan_balance"] = 0m })
        .Ticks(1_440)
        .Emit("amount", "balance")
        .Stream("transactions")
        .Transition("income", "offline", "offline", 0.2, ctx => Move(ctx, ctx.Random.Decimal(800, 3_500), 1))
        .Transition("spend", "offline", "offline", 1, ctx => Move(ctx, ctx.Random.Decimal(3, 250), -1))
        .Transition(new SimulationTransition("login", "offline", "online", 0.5))
        .Transition("logout", "online", "offline", 10)
        .Transition("open_loan_screen", "online", "loan_screen", 2)
        .Transition("close_loan_screen", "loan_screen", "online", 20)
        .Transition("take_loan", "loan_screen", "online", 5, ctx =>
        {
            ctx["loan_balance"] = (decimal)ctx["loan_balance"]! + 1_000m;
            return Move(ctx, 1_000m, 1);
        })
        .Build();

    private static bool Move(TransitionContext ctx, decimal amount, int sign)
    {
        var balance = (decimal)ctx["balance"]!;
        if (sign < 0 && balance < amount)
        {
            return false; // vetoed: nothing happens, nothing is emitted
        }

        ctx.Values["amount"] = amount;
        ctx["balance"] = balance + (sign * amount);
        return true;
    }
}
