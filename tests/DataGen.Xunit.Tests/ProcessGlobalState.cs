namespace DataGen.Xunit.Tests;

/// <summary>
/// Tests that change process-wide state (the kit's template registry): xunit runs this collection on its own, after
/// the parallel collections, so no other class runs while the state is changed.
/// </summary>
[CollectionDefinition(nameof(ProcessGlobalState), DisableParallelization = true)]
public sealed class ProcessGlobalState;
