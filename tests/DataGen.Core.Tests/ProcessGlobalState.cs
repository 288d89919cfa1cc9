namespace DataGen.Core.Tests;

/// <summary>
/// Tests that change process-wide state (Bogus's <c>Randomizer.Seed</c>, culture, environment variables): xunit runs
/// this collection on its own, after the parallel collections, so no other test sees the change.
/// </summary>
[CollectionDefinition(nameof(ProcessGlobalState), DisableParallelization = true)]
public sealed class ProcessGlobalState;
