using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DataGen.Journeys;

namespace DataGen.Core.Tests.Journeys;

public sealed class JourneyTests
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Starfleet_is_discoverable_by_name() =>
        JourneyCatalog.Find("starfleet").Should().BeOfType<StarfleetJourney>();

    [Theory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    [InlineData(42UL)]
    public void Starfleet_journeys_follow_the_documented_shape(ulong seed)
    {
        var provider = new StarfleetJourney();
        var loginCounts = new HashSet<int>();
        for (var i = 0; i < 40; i++)
        {
            var journey = provider.Create(seed, i, Start);
            var steps = journey.Steps;

            steps[0].DocumentType.Should().Be("starfleet_account");
            steps[0].At.Should().Be(Start);
            steps[^1].DocumentType.Should().Be("starfleet_application");
            var logins = steps.Skip(1).SkipLast(1).ToList();
            logins.Should().HaveCountGreaterThanOrEqualTo(1).And.HaveCountLessThanOrEqualTo(10).And.OnlyContain(s => s.DocumentType == "starfleet_account");
            loginCounts.Add(logins.Count);

            foreach (var step in logins)
            {
                step.DelayFrom.Should().Be(step.Index - 1);
                step.Delay.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(1)).And.BeLessThanOrEqualTo(TimeSpan.FromDays(1));
                ((JsonArray)step.Document["auth"]!["logins"]!).Should().HaveCount(step.Index, "each login step appends one login");
                step.Document["auth"]!["logins"]![step.Index - 1]!["at"]!.GetValue<string>().Should().Be(step.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            }

            var application = steps[^1];
            application.DelayFrom.Should().Be(steps.Take(steps.Count - 1).MaxBy(s => s.At)!.Index, "the final step comes after the latest step");
            application.At.Should().BeAfter(steps.Take(steps.Count - 1).Max(s => s.At));
            var account = steps[^2].Document;
            foreach (var field in new[] { "surname", "forename", "title", "communicator", "federation_citizen_id" })
            {
                application.Document[field]!.GetValue<string>().Should().Be(account[field]!.GetValue<string>());
            }

            steps.Should().OnlyContain(s => s.Document["user_id"]!.GetValue<string>() == journey.UserId);
        }

        loginCounts.Should().HaveCountGreaterThan(5, "the number of logins varies between users");
    }

    [Fact]
    public void Journeys_depend_only_on_seed_provider_and_index()
    {
        var provider = new StarfleetJourney();
        var a = provider.Create(3, 5, Start);
        var b = provider.Create(3, 5, Start);
        var c = provider.Create(3, 6, Start);

        a.Metadata().ToJsonString().Should().Be(b.Metadata().ToJsonString());
        a.Steps.Select(s => s.Document.ToJsonString()).Should().Equal(b.Steps.Select(s => s.Document.ToJsonString()));
        c.UserId.Should().NotBe(a.UserId);
    }

    [Fact]
    public async Task Export_writes_a_zip_and_metadata_per_journey_byte_identical_across_runs()
    {
        var first = Directory.CreateTempSubdirectory("journeys-");
        var second = Directory.CreateTempSubdirectory("journeys-");
        try
        {
            var written = await JourneyExport.WriteAsync(new StarfleetJourney(), 9, 4, Start, first.FullName, TestContext.Current.CancellationToken);
            await JourneyExport.WriteAsync(new StarfleetJourney(), 9, 4, Start, second.FullName, TestContext.Current.CancellationToken);

            written.Should().HaveCount(4);
            first.GetFiles("*.zip").Should().HaveCount(4);
            first.GetFileSystemInfos().Should().HaveCount(8, "no temporary files are left behind");
            foreach (var file in first.GetFiles())
            {
                SHA256.HashData(File.ReadAllBytes(file.FullName)).Should().Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(second.FullName, file.Name))), file.Name);
            }

            var metadata = JsonNode.Parse(File.ReadAllText(written[0]))!;
            var steps = JourneyExport.ReadSteps(Path.ChangeExtension(written[0], ".zip"));
            steps.Select(s => s.FileName).Should().Equal(metadata["steps"]!.AsArray().Select(s => s!["file_name"]!.GetValue<string>()));
        }
        finally
        {
            first.Delete(recursive: true);
            second.Delete(recursive: true);
        }
    }
}

public sealed class JourneyReplayTests
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static List<Journey> Journeys(int count) =>
        Enumerable.Range(0, count).Select(i => new StarfleetJourney().Create(5, i, Start)).ToList();

    [Fact]
    public async Task Fast_replay_publishes_every_step_in_time_order_shifted_to_the_start()
    {
        var journeys = Journeys(20);
        var output = new DataGen.Outputs.MemoryOutput();
        var shiftedStart = new DateTime(2030, 6, 1, 0, 0, 0, DateTimeKind.Utc);

        var written = await JourneyReplay.ReplayAsync(journeys, output, new ReplayOptions { Start = shiftedStart }, TestContext.Current.CancellationToken);

        written.Should().Be(journeys.Sum(j => j.Steps.Count));
        var times = output.Rows["journey_steps"].Select(r => (DateTime)r[5]!).ToList();
        times.Should().BeInAscendingOrder();
        times[0].Should().Be(shiftedStart);
        var records = output.Records("journey_steps").ToList();
        records.Select(r => (string)r["user_id"]!).Distinct().Should().HaveCount(20);
        ((IReadOnlyDictionary<string, object?>)records[0]["document"]!)["id"].Should().Be(records[0]["document_id"]);
    }

    [Fact]
    public async Task Real_time_replay_waits_on_the_clock_scaled_by_speed_and_can_be_cancelled()
    {
        var journey = Journeys(1);
        var span = journey[0].Steps[^1].At - journey[0].Steps[0].At;
        var clock = new ManualClock();
        var output = new DataGen.Outputs.MemoryOutput();
        using var cts = new CancellationTokenSource();

        var replay = JourneyReplay.ReplayAsync(journey, output, new ReplayOptions { Speed = 3600, TimeProvider = clock }, cts.Token);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        replay.IsCompleted.Should().BeFalse("the second step is due only after its scaled delay");

        clock.Advance(span / 3600 + TimeSpan.FromSeconds(1));
        (await replay).Should().Be(journey[0].Steps.Count);

        var blocked = JourneyReplay.ReplayAsync(Journeys(1), new DataGen.Outputs.MemoryOutput(), new ReplayOptions { Speed = 1, TimeProvider = new ManualClock() }, cts.Token);
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => blocked).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Exported_journeys_read_back_identically()
    {
        var directory = Directory.CreateTempSubdirectory("replay-");
        try
        {
            await JourneyExport.WriteAsync(new StarfleetJourney(), 5, 3, Start, directory.FullName, TestContext.Current.CancellationToken);
            var read = JourneyReplay.ReadExported(directory.FullName);
            var original = Journeys(3);

            read.Select(j => j.Metadata().ToJsonString()).Should().Equal(original.Select(j => j.Metadata().ToJsonString()));
            read[1].Steps.Select(s => s.Document.ToJsonString()).Should().Equal(original[1].Steps.Select(s => s.Document.ToJsonString()));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A clock that moves only when told (timers fire when their due time is passed).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<(long Due, TimerCallback Callback, object? State)> _timers = [];
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _now);

        public void Advance(TimeSpan by)
        {
            Interlocked.Add(ref _now, by.Ticks);
            List<(long Due, TimerCallback Callback, object? State)> due;
            lock (_timers)
            {
                due = _timers.Where(t => t.Due <= _now).ToList();
                _timers.RemoveAll(t => t.Due <= _now);
            }

            foreach (var (_, callback, state) in due)
            {
                callback(state);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_timers)
            {
                _timers.Add((_now + dueTime.Ticks, callback, state));
            }

            return new NoopTimer();
        }

        private sealed class NoopTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
