using System.Collections.Generic;
using Torchwright.Analyzers.Tests.Harness;

namespace Torchwright.Analyzers.Tests.Corpus;

/// <summary>
/// Correct models that exercise what shape inference follows — reshapes, attention by hand, chunks,
/// slices, reductions, loops, branches, blocks, nested blocks, forwards calling forwards — and what it
/// must leave alone (helpers, lambdas, symbolic configurations). None may get a diagnostic.
/// </summary>
internal static class ValidModels
{
    public static IEnumerable<(string Name, string Source)> All()
    {
        yield return ("MlpClassifier", MlpClassifier);
        yield return ("HandAttention", HandAttention);
        yield return ("FusedQkv", FusedQkv);
        yield return ("ConcatHeads", ConcatHeads);
        yield return ("ClsPooling", ClsPooling);
        yield return ("MeanPooling", MeanPooling);
        yield return ("MaskBroadcast", MaskBroadcast);
        yield return ("LoopResidual", LoopResidual);
        yield return ("BranchNorm", BranchNorm);
        yield return ("ForwardCallsForward", ForwardCallsForward);
        yield return ("BlockWithoutReturnShape", BlockWithoutReturnShape);
        yield return ("NestedBlocks", NestedBlocks);
        yield return ("TupleResult", TupleResult);
        yield return ("ConfigArithmetic", ConfigArithmetic);
        yield return ("FlattenPermute", FlattenPermute);
        yield return ("TiedGpt", TiedGpt);
        yield return ("SdpaAttention", SdpaAttention);
        yield return ("SymbolicBlock", SymbolicBlock);
        yield return ("HelpersAndLambdas", HelpersAndLambdas);
        yield return ("CapturableDecode", CapturableDecode);
        yield return ("LearnedQueries", LearnedQueries);
        yield return ("SplitSizes", SplitSizes);
        yield return ("SlicesFromEnd", SlicesFromEnd);
        yield return ("BuiltInAttentionStack", BuiltInAttentionStack);
        yield return ("AmbiguousBroadcast", AmbiguousBroadcast);
    }

    private const string U = Verify.Usings;

    public const string MlpClassifier = U + """
        public sealed record MlpConfig(int Features = 32, int Hidden = 64, int Classes = 10);

        [Model(typeof(MlpConfig))]
        public partial class MlpClassifier
        {
            [Linear("Features", "Hidden")]
            private partial Tensor In(Tensor x);

            [Linear("Hidden", "Classes")]
            private partial Tensor Out(Tensor x);

            [Forward]
            [return: Shape("N,Classes")]
            public Tensor Forward([Shape("B,T,Features")] Tensor x)
            {
                var flat = x.reshape(-1, Config.Features);
                var hidden = nn.functional.relu(In(flat));
                return Out(hidden);
            }
        }
        """;

    public const string HandAttention = U + """
        public sealed record AttnConfig(int Dim = 64, int Heads = 4);

        [Model(typeof(AttnConfig))]
        public partial class HandAttention
        {
            [Linear("Dim", "Dim")] private partial Tensor Q(Tensor x);
            [Linear("Dim", "Dim")] private partial Tensor K(Tensor x);
            [Linear("Dim", "Dim")] private partial Tensor V(Tensor x);
            [Linear("Dim", "Dim")] private partial Tensor O(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var b = x.size(0);
                var t = x.size(1);
                var headDim = Config.Dim / Config.Heads;
                var q = Q(x).view(b, t, Config.Heads, headDim).transpose(1, 2);
                var k = K(x).view(b, t, Config.Heads, headDim).transpose(1, 2);
                var v = V(x).view(b, t, Config.Heads, headDim).transpose(1, 2);
                var scores = q.matmul(k.transpose(-2, -1)) / System.Math.Sqrt(headDim);
                var mixed = scores.softmax(-1).matmul(v);
                return O(mixed.transpose(1, 2).contiguous().view(b, t, Config.Dim));
            }
        }
        """;

    public const string FusedQkv = U + """
        public sealed record QkvConfig(int Dim = 48, int Heads = 3);

        [Model(typeof(QkvConfig))]
        public partial class FusedQkv
        {
            [Linear("Dim", "Dim*3")] private partial Tensor Qkv(Tensor x);
            [Linear("Dim", "Dim")] private partial Tensor Out(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var parts = Qkv(x).chunk(3, -1);
                var q = parts[0];
                var k = parts[1];
                var v = parts[2];
                var weights = q.matmul(k.transpose(1, 2)).softmax(-1);
                return Out(weights.matmul(v));
            }
        }
        """;

    public const string ConcatHeads = U + """
        public sealed record CatConfig(int Dim = 32, int Hidden = 16);

        [Model(typeof(CatConfig))]
        public partial class ConcatHeads
        {
            [Linear("Dim", "Hidden")] private partial Tensor Left(Tensor x);
            [Linear("Dim", "Hidden")] private partial Tensor Right(Tensor x);
            [Linear("Hidden*2", "Dim")] private partial Tensor Merge(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var both = cat(new[] { Left(x), Right(x) }, -1);
                var stacked = stack(new[] { x, x }, 0);
                return Merge(both) + stacked.mean(new long[] { 0 });
            }
        }
        """;

    public const string ClsPooling = U + """
        public sealed record ClsConfig(int Vocab = 100, int Dim = 32, int Classes = 4);

        [Model(typeof(ClsConfig))]
        public partial class ClsPooling
        {
            [Embedding("Vocab", "Dim")] private partial Tensor Embed(Tensor ids);
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Linear("Dim", "Classes")] private partial Tensor Classify(Tensor x);

            [Forward]
            [return: Shape("B,Classes")]
            public Tensor Forward([Shape("B,T")] Tensor ids)
            {
                var states = Norm(Embed(ids));
                var first = states[.., 0];
                var alsoFirst = states[TensorIndex.Ellipsis, 0, TensorIndex.Colon];
                return Classify(first + alsoFirst);
            }
        }
        """;

    public const string MeanPooling = U + """
        public sealed record PoolConfig(int Dim = 24, int Out = 6);

        [Model(typeof(PoolConfig))]
        public partial class MeanPooling
        {
            [Linear("Dim", "Out")] private partial Tensor Project(Tensor x);

            [Forward]
            [return: Shape("B,Out")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x, [Shape("B,T")] Tensor mask)
            {
                var weights = mask.unsqueeze(-1);
                var total = (x * weights).sum(1);
                var count = weights.sum(1).clamp_min(1);
                var (largest, _) = x.max(1);
                return Project(total / count + largest);
            }
        }
        """;

    public const string MaskBroadcast = U + """
        public sealed record MaskConfig(int Dim = 32, int Heads = 4);

        [Model(typeof(MaskConfig))]
        public partial class MaskBroadcast
        {
            [Linear("Dim", "Dim")] private partial Tensor Mix(Tensor x);

            [Forward]
            [return: Shape("B,Heads,T,T")]
            public Tensor Forward([Shape("B,Heads,T,T")] Tensor scores, [Shape("B,T")] Tensor padding)
            {
                var mask = padding.unsqueeze(1).unsqueeze(2);
                var masked = scores.masked_fill(mask == 0, -1e9);
                return (masked + mask).softmax(-1);
            }
        }
        """;

    public const string LoopResidual = U + """
        public sealed record LoopConfig(int Dim = 32, int Steps = 3);

        [Model(typeof(LoopConfig))]
        public partial class LoopResidual
        {
            [Mlp("Dim", "Dim*4")] private partial Tensor Ffn(Tensor x);
            [RmsNorm("Dim")] private partial Tensor Norm(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                for (var i = 0; i < Config.Steps; i++)
                {
                    x = x + Ffn(Norm(x));
                }
                var j = 0;
                while (j < 2)
                {
                    x = Norm(x);
                    j++;
                }
                return x;
            }
        }
        """;

    public const string BranchNorm = U + """
        public sealed record BranchConfig(int Dim = 16, bool Scale = true);

        [Model(typeof(BranchConfig))]
        public partial class BranchNorm
        {
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Linear("Dim", "Dim")] private partial Tensor Proj(Tensor x);

            [Forward]
            [return: Shape("B,Dim")]
            public Tensor Forward([Shape("B,Dim")] Tensor x)
            {
                Tensor y;
                if (Config.Scale)
                {
                    y = Norm(x);
                }
                else
                {
                    y = x * 2;
                }
                var z = Config.Scale ? Proj(y) : y;
                return z;
            }
        }
        """;

    public const string ForwardCallsForward = U + """
        public sealed record TwoConfig(int Vocab = 50, int Dim = 16);

        [Model(typeof(TwoConfig))]
        public partial class ForwardCallsForward
        {
            [Embedding("Vocab", "Dim")] private partial Tensor Embed(Tensor ids);
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Encode([Shape("B,T")] Tensor ids) => Embed(ids);

            [Forward]
            [return: Shape("B,T,Vocab")]
            public Tensor Forward([Shape("B,T")] Tensor ids) => Head(Encode(ids));
        }
        """;

    public const string BlockWithoutReturnShape = U + """
        public sealed record GateConfig(int Width, int Inner);

        [Block(typeof(GateConfig))]
        public partial class Gate
        {
            [Linear("Width", "Inner*2")] private partial Tensor Up(Tensor x);
            [Linear("Inner", "Width")] private partial Tensor Down(Tensor x);

            [Forward]
            private Tensor Forward([Shape("B,T,Width")] Tensor x)
            {
                var halves = Up(x).chunk(2, -1);
                return Down(nn.functional.silu(halves[0]) * halves[1]);
            }
        }

        public sealed record HostConfig(int Dim = 32, int Classes = 3);

        [Model(typeof(HostConfig))]
        public partial class Host
        {
            [Use(typeof(Gate), "Dim", "Dim*2")] private partial Tensor Mix(Tensor x);
            [Linear("Dim", "Classes")] private partial Tensor Classify(Tensor x);

            [Forward]
            [return: Shape("B,T,Classes")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Classify(x + Mix(x));
        }
        """;

    public const string NestedBlocks = U + """
        public sealed record InnerConfig(int Dim);

        [Block(typeof(InnerConfig))]
        public partial class Inner
        {
            [RmsNorm("Dim")] private partial Tensor Norm(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            private Tensor Forward([Shape("B,T,Dim")] Tensor x) => Norm(x);
        }

        public sealed record OuterConfig(int Dim, int Hidden);

        [Block(typeof(OuterConfig))]
        public partial class Outer
        {
            [Use(typeof(Inner), "Dim")] private partial Tensor First(Tensor x);
            [Mlp("Dim", "Hidden")] private partial Tensor Ffn(Tensor x);

            [Forward]
            private Tensor Forward([Shape("B,T,Dim")] Tensor x) => Ffn(First(x));
        }

        public sealed record TopConfig(int Dim = 24, int Out = 5);

        [Model(typeof(TopConfig))]
        public partial class Top
        {
            [Use(typeof(Outer), "Dim", "Dim*3")] private partial Tensor Body(Tensor x);
            [Linear("Dim", "Out")] private partial Tensor Head(Tensor x);

            [Forward]
            [return: Shape("B,T,Out")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Head(Body(x));
        }
        """;

    public const string TupleResult = U + """
        public sealed record PairConfig(int Dim = 16, int Out = 4);

        [Model(typeof(PairConfig))]
        public partial class TupleResult
        {
            [Linear("Dim", "Out")] private partial Tensor A(Tensor x);
            [Linear("Dim", "Out")] private partial Tensor B(Tensor x);

            [Forward]
            public (Tensor First, Tensor Second) Forward([Shape("N,Dim")] Tensor x)
            {
                var (first, second) = (A(x), B(x));
                var sum = first + second;
                return (sum, first - second);
            }
        }
        """;

    public const string ConfigArithmetic = U + """
        public sealed record ArithConfig(int Dim = 96, int Heads = 6);

        [Model(typeof(ArithConfig))]
        public partial class ConfigArithmetic
        {
            [Linear("Dim/Heads", "Dim/Heads")] private partial Tensor PerHead(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var heads = x.view(-1, Config.Heads, Config.Dim / Config.Heads);
                var mixed = PerHead(heads);
                return mixed.reshape(x.shape);
            }
        }
        """;

    public const string FlattenPermute = U + """
        public sealed record PatchConfig(int Channels = 3, int Patch = 4, int Dim = 32);

        [Model(typeof(PatchConfig))]
        public partial class FlattenPermute
        {
            [Linear("Channels*Patch*Patch", "Dim")] private partial Tensor Embed(Tensor x);

            [Forward]
            [return: Shape("B,N,Dim")]
            public Tensor Forward([Shape("B,N,Patch,Patch,Channels")] Tensor patches)
            {
                var channelsFirst = patches.permute(0, 1, 4, 2, 3);
                return Embed(channelsFirst.flatten(2));
            }
        }
        """;

    public const string TiedGpt = U + """
        public sealed record TinyConfig(int Vocab = 96, int Context = 32, int Dim = 32, int Heads = 4, int Layers = 2);

        [Model(typeof(TinyConfig))]
        public partial class TiedGpt
        {
            [Embedding("Vocab", "Dim")] private partial Tensor Embed(Tensor ids);
            [LearnedPositions("Context", "Dim")] private partial Tensor Positions(Tensor x);
            [TransformerStack("Layers", "Dim", "Heads", Causal = true, MlpHidden = "Dim*4")] private partial Tensor Blocks(Tensor x);
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Linear("Dim", "Vocab", Bias = false, TiedTo = nameof(Embed))] private partial Tensor Head(Tensor x);

            [Forward]
            [return: Shape("B,T,Vocab")]
            public Tensor Forward([Shape("B,T")] Tensor ids) => Head(Norm(Blocks(Positions(Embed(ids)))));
        }
        """;

    public const string SdpaAttention = U + """
        public sealed record SdpaConfig(int Dim = 32, int Heads = 2);

        [Model(typeof(SdpaConfig))]
        public partial class SdpaAttention
        {
            [Linear("Dim", "Dim*3", Bias = false)] private partial Tensor Qkv(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var b = x.shape[0];
                var t = x.shape[1];
                var qkv = Qkv(x).view(b, t, 3, Config.Heads, Config.Dim / Config.Heads).permute(2, 0, 3, 1, 4);
                var q = qkv[0];
                var k = qkv[1];
                var v = qkv[2];
                var mixed = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
                return mixed.transpose(1, 2).reshape(b, t, Config.Dim);
            }
        }
        """;

    public const string SymbolicBlock = U + """
        public sealed record SymConfig(int Dim, int Hidden, int Heads);

        [Block(typeof(SymConfig))]
        public partial class SymbolicBlock
        {
            [Linear("Dim", "Hidden")] private partial Tensor Up(Tensor x);
            [Linear("Hidden", "Dim")] private partial Tensor Down(Tensor x);
            [Attention("Dim", "Heads")] private partial Tensor Attn(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            private Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var h = Down(Up(x));
                var split = h.view(h.size(0), h.size(1), Config.Heads, -1);
                return Attn(split.flatten(-2) + h);
            }
        }
        """;

    public const string HelpersAndLambdas = U + """
        public sealed record HelpConfig(int Dim = 16, int Out = 8);

        [Model(typeof(HelpConfig))]
        public partial class HelpersAndLambdas
        {
            [Linear("Dim", "Out")] private partial Tensor Head(Tensor x);

            private static Tensor Mystery(Tensor x) => x.sum(-1);

            [Forward]
            public Tensor Forward([Shape("B,Dim")] Tensor x)
            {
                System.Func<Tensor, Tensor> twice = t => t * 2;
                Tensor y = x;
                void Shrink() => y = Mystery(y);
                Shrink();
                var z = twice(x);
                try
                {
                    z = Mystery(z);
                }
                catch (System.InvalidOperationException)
                {
                }
                switch (Config.Out)
                {
                    case 1:
                        z = x.sum(0);
                        break;
                }
                return Head(x) + y.unsqueeze(-1) + z.unsqueeze(-1) * 0;
            }
        }
        """;

    public const string CapturableDecode = U + """
        public sealed record StepConfig(int Vocab = 64, int Dim = 16);

        [Model(typeof(StepConfig))]
        public partial class CapturableDecode
        {
            [Embedding("Vocab", "Dim")] private partial Tensor Embed(Tensor ids);
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);

            private static readonly Generator Noise = manual_seed(7);

            [Forward]
            [Capturable]
            [return: Shape("B,1,Vocab")]
            public Tensor Step([Shape("B,1")] Tensor ids, [Shape("B,1,Dim")] Tensor state)
            {
                var x = Embed(ids) + state;
                var noise = randn(new long[] { 1, 1, Config.Dim }, generator: Noise);
                if (x.shape[0] > 1)
                {
                    x = x + noise;
                }
                var logits = Head(nn.functional.dropout(x, 0.1, training: false));
                return logits.softmax(-1).log();
            }
        }
        """;

    public const string LearnedQueries = U + """
        public sealed record QueryConfig(int Queries = 8, int Dim = 16);

        [Model(typeof(QueryConfig))]
        public partial class LearnedQueries
        {
            [Linear("Dim", "Dim")] private partial Tensor Keys(Tensor x);

            [Forward]
            [return: Shape("B,Queries,T")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x, [Shape("Queries,Dim")] Tensor queries)
            {
                var scores = queries.matmul(Keys(x).transpose(1, 2));
                return scores.softmax(-1);
            }
        }
        """;

    public const string SplitSizes = U + """
        public sealed record SplitConfig(int Dim = 30, int Key = 10);

        [Model(typeof(SplitConfig))]
        public partial class SplitSizes
        {
            [Linear("Dim", "Key*2+Dim")] private partial Tensor Project(Tensor x);
            [Linear("Dim", "Dim")] private partial Tensor Out(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var parts = Project(x).split(new long[] { Config.Key, Config.Key, Config.Dim }, -1);
                var attention = parts[0].matmul(parts[1].transpose(-1, -2)).softmax(-1);
                return Out(attention.matmul(parts[2]));
            }
        }
        """;

    public const string SlicesFromEnd = U + """
        public sealed record ShiftConfig(int Vocab = 40, int Dim = 8);

        [Model(typeof(ShiftConfig))]
        public partial class SlicesFromEnd
        {
            [Embedding("Vocab", "Dim")] private partial Tensor Embed(Tensor ids);
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);

            [Forward]
            [return: Shape("B,T-1,Vocab")]
            public Tensor Forward([Shape("B,T")] Tensor ids)
            {
                var inputs = ids[.., ..^1];
                var logits = Head(Embed(inputs));
                var last = logits[.., ^1..];
                var narrowed = logits.narrow(1, 0, 1);
                return logits + (last - narrowed) * 0;
            }
        }
        """;

    public const string BuiltInAttentionStack = U + """
        public sealed record StackConfig(int Dim = 64, int Heads = 8, int KvHeads = 2, int Layers = 2, int Memory = 32);

        [Model(typeof(StackConfig))]
        public partial class BuiltInAttentionStack
        {
            [Attention("Dim", "Heads", KvHeads = "KvHeads", Causal = true)] private partial Tensor Attn(Tensor x);
            [CrossAttention("Dim", "Heads", "Memory")] private partial Tensor Cross(Tensor x, Tensor memory);
            [TransformerStack("Layers", "Dim", "Heads", HeadDim = "16")] private partial Tensor Blocks(Tensor x);
            [Dropout(0.1)] private partial Tensor Drop(Tensor x);

            [Forward]
            [return: Shape("B,T,Dim")]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x, [Shape("B,S,Memory")] Tensor memory)
                => Drop(Blocks(Cross(Attn(x), memory)));
        }
        """;

    public const string AmbiguousBroadcast = U + """
        public sealed record FreeConfig(int Dim = 16);

        [Model(typeof(FreeConfig))]
        public partial class AmbiguousBroadcast
        {
            [Linear("Dim", "Dim")] private partial Tensor Proj(Tensor x);

            [Forward]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x, [Shape("B,S,Dim")] Tensor y, [Shape("...,Dim")] Tensor z)
            {
                // T and S may be equal or 1: nothing is provable, so nothing is reported.
                var sum = x + y;
                var unknownRank = Proj(z) + x;
                return sum + unknownRank;
            }
        }
        """;
}
