namespace Torchwright;

/// <summary>What kind of elements a tensor argument must hold; checked at a model's guarded entry.</summary>
public enum ElementKind
{
    /// <summary>Not checked.</summary>
    Any,

    /// <summary>Integers of any width (token ids, positions).</summary>
    Integer,

    /// <summary>Floating point of any width (activations, images).</summary>
    Floating,

    /// <summary>Booleans (masks).</summary>
    Boolean,
}
