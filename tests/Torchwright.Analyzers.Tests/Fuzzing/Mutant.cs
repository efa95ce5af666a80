namespace Torchwright.Analyzers.Tests.Fuzzing;

/// <summary>One mutated source: which unit and file it came from, what was done, and whether it must be diagnosed.</summary>
/// <param name="Unit">The name of the source set the mutant belongs to.</param>
/// <param name="File">Index of the mutated file within the unit.</param>
/// <param name="Kind">The mutation applied.</param>
/// <param name="Description">What exactly changed, for failure messages.</param>
/// <param name="Text">The mutated file's text.</param>
/// <param name="BreaksContract">True when the mutation certainly breaks Torchwright's contract, so a TW diagnostic is owed.</param>
internal sealed record Mutant(string Unit, int File, MutationKind Kind, string Description, string Text, bool BreaksContract);

/// <summary>The ways <see cref="Mutator"/> damages a valid source.</summary>
internal enum MutationKind
{
    DeleteToken,
    DuplicateToken,
    BreakAttributeArgument,
    InvalidShapeString,
    UnknownConfigMember,
    RemovePartial,
    WrongLayerReturnType,
    SelfUse,
    AbsurdSize,
    UnbalancedBrace,
    EmptyFile,
}
