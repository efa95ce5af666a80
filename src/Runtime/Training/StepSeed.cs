namespace Torchwright.Runtime.Training;

/// <summary>Derives a well-mixed per-step seed from a run seed (SplitMix64 finaliser).</summary>
internal static class StepSeed
{
    public static ulong For(long runSeed, int step)
    {
        unchecked
        {
            ulong z = (ulong)runSeed + 0x9E3779B97F4A7C15UL * ((ulong)step + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
