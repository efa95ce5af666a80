using System.Collections.Generic;
using Torchwright.Analyzers.Tests.Harness;

namespace Torchwright.Analyzers.Tests.Corpus;

/// <summary>
/// Shape and hyperparameter bugs, one per source, each marked where its diagnostic must be:
/// <c>{|TW3001:x|}</c>. Every source compiles; each bug is a distinct mistake.
/// </summary>
internal static class BuggyModels
{
    private const string U = Verify.Usings;

    // Sizes shared by most cases: every name has a different default, so that a mix-up is provable.
    private const string Config = "public sealed record C(int Vocab = 100, int Context = 32, int Dim = 64, int Hidden = 128, int Heads = 4, int Layers = 2);\n\n";

    private static string Model(string members) => U + Config + "[Model(typeof(C))]\npublic partial class M\n{\n" + members + "\n}\n";

    public static IEnumerable<(string Name, string Source)> All()
    {
        // ---- TW3001: a dimension differs from what the callee declares ----
        yield return ("Linear fed the output of a wider layer", Model("""
            [Linear("Dim", "Dim*2")] private partial Tensor Up(Tensor x);
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Head({|TW3001:Up(x)|});
            """));
        yield return ("LayerNorm over the vocabulary width", Model("""
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Norm({|TW3001:Head(x)|});
            """));
        yield return ("Two config members with different defaults", Model("""
            [Linear("Hidden", "Dim")] private partial Tensor Down(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Down({|TW3001:x|});
            """));
        yield return ("Literal sizes that disagree", Model("""
            [Linear("Dim", "10")] private partial Tensor A(Tensor x);
            [Linear("12", "Dim")] private partial Tensor B(Tensor x);
            [Forward] public Tensor Forward([Shape("N,Dim")] Tensor x) => B({|TW3001:A(x)|});
            """));
        yield return ("Embedding output into a vocabulary-wide layer", Model("""
            [Embedding("Vocab", "Dim")] private partial Tensor Embed(Tensor ids);
            [Linear("Vocab", "Dim")] private partial Tensor Proj(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T")] Tensor ids) => Proj({|TW3001:Embed(ids)|});
            """));
        yield return ("Per-head view fed to a full-width layer", Model("""
            [Linear("Dim", "Dim")] private partial Tensor Proj(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var heads = x.view(x.size(0), x.size(1), Config.Heads, Config.Dim / Config.Heads);
                return Proj({|TW3001:heads|});
            }
            """));
        yield return ("Half of a chunk fed where the whole was meant", Model("""
            [Linear("Dim", "Hidden*2")] private partial Tensor Up(Tensor x);
            [Linear("Hidden*2", "Dim")] private partial Tensor Down(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var halves = Up(x).chunk(2, -1);
                return Down({|TW3001:halves[0] * halves[1]|});
            }
            """));
        yield return ("Concatenation doubles the width", Model("""
            [Linear("Dim", "Dim")] private partial Tensor Merge(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Merge({|TW3001:cat(new[] { x, x }, -1)|});
            """));
        yield return ("Transposed input keeps the wrong last dimension", Model("""
            [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Forward] public Tensor Forward([Shape("B,16,Dim")] Tensor x) => Norm({|TW3001:x.transpose(1, 2)|});
            """));
        yield return ("Mismatch in the first iteration of a loop", Model("""
            [Linear("Dim", "Hidden")] private partial Tensor Up(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var h = Up(x);
                for (var i = 0; i < Config.Layers; i++)
                {
                    h = Up({|TW3001:h|});
                }
                return h;
            }
            """));
        yield return ("Mismatch in one branch", Model("""
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
            [RmsNorm("Dim")] private partial Tensor Norm(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x, bool normalise)
            {
                var logits = Head(x);
                if (normalise)
                {
                    logits = Norm({|TW3001:logits|});
                }
                return logits;
            }
            """));
        yield return ("Block receives the wrong width", U + Config + """
            public sealed record GateConfig(int Width, int Inner);

            [Block(typeof(GateConfig))]
            public partial class Gate
            {
                [Linear("Width", "Inner")] private partial Tensor Up(Tensor x);
                [Linear("Inner", "Width")] private partial Tensor Down(Tensor x);

                [Forward]
                private Tensor Forward([Shape("B,T,Width")] Tensor x) => Down(Up(x));
            }

            [Model(typeof(C))]
            public partial class M
            {
                [Use(typeof(Gate), "Hidden", "Dim")] private partial Tensor Mix(Tensor x);

                [Forward]
                public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Mix({|TW3001:x|});
            }
            """);
        yield return ("Forward called with the wrong width", Model("""
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
            [Forward] [return: Shape("B,T,Vocab")] public Tensor Logits([Shape("B,T,Dim")] Tensor x) => Head(x);
            [Forward] public Tensor Forward([Shape("B,T,Hidden")] Tensor h) => Logits({|TW3001:h|});
            """));
        yield return ("Layer input shape declared by the user is violated", Model("""
            [LayerNorm("Dim")] private partial Tensor Norm([Shape("B,T,Dim")] Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Norm({|TW3002:x.sum(1)|});
            """));
        yield return ("Block result used at the block's inner width", U + Config + """
            public sealed record ProjConfig(int In, int Out);

            [Block(typeof(ProjConfig))]
            public partial class Proj
            {
                [Linear("In", "Out")] private partial Tensor Map(Tensor x);

                [Forward]
                private Tensor Forward([Shape("B,T,In")] Tensor x) => Map(x);
            }

            [Model(typeof(C))]
            public partial class M
            {
                [Use(typeof(Proj), "Dim", "Hidden")] private partial Tensor Widen(Tensor x);
                [LayerNorm("Dim")] private partial Tensor Norm(Tensor x);

                [Forward]
                public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Norm({|TW3001:Widen(x)|});
            }
            """);

        // ---- TW3002: rank ----
        yield return ("Stack fed token ids instead of embeddings", Model("""
            [TransformerStack("Layers", "Dim", "Heads")] private partial Tensor Blocks(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T")] Tensor ids) => Blocks({|TW3002:ids|});
            """));
        yield return ("Attention fed a pooled vector", Model("""
            [Attention("Dim", "Heads")] private partial Tensor Attn(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Attn({|TW3002:x.mean(new long[] { 1 })|});
            """));
        yield return ("Attention fed a per-head view", Model("""
            [Attention("Dim", "Heads")] private partial Tensor Attn(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Attn({|TW3002:x.view(x.size(0), x.size(1), Config.Heads, -1)|});
            """));
        yield return ("Block fed a rank-2 tensor", U + Config + """
            public sealed record NormConfig(int Width);

            [Block(typeof(NormConfig))]
            public partial class Norm
            {
                [LayerNorm("Width")] private partial Tensor Apply(Tensor x);

                [Forward]
                private Tensor Forward([Shape("B,T,Width")] Tensor x) => Apply(x);
            }

            [Model(typeof(C))]
            public partial class M
            {
                [Use(typeof(Norm), "Dim")] private partial Tensor Normalise(Tensor x);

                [Forward]
                public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Normalise({|TW3002:x[.., 0]|});
            }
            """);

        // ---- TW3003: the declared result ----
        yield return ("Returns the hidden state instead of logits", Model("""
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
            [Forward] [return: Shape("B,T,Vocab")] public Tensor Forward([Shape("B,T,Dim")] Tensor x) { var logits = Head(x); return {|TW3003:x|}; }
            """));
        yield return ("Returns a pooled tensor where a sequence was declared", Model("""
            [Forward] [return: Shape("B,T,Dim")] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3003:x.sum(1)|};
            """));

        // ---- TW3004: operands ----
        yield return ("Residual adds tensors of different widths", Model("""
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3004:x + Head(x)|};
            """));
        yield return ("Matrix product with mismatched inner dimensions", Model("""
            [Linear("Dim", "Hidden")] private partial Tensor Up(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3004:x.matmul(Up(x).transpose(1, 2))|};
            """));
        yield return ("Concatenation along the wrong dimension", Model("""
            [Linear("Dim", "Hidden")] private partial Tensor Up(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3004:cat(new[] { x, Up(x) }, 1)|};
            """));
        yield return ("Stacking tensors of different shapes", Model("""
            [Linear("Dim", "Hidden")] private partial Tensor Up(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3004:stack(new[] { x, Up(x) }, 0)|};
            """));
        yield return ("Attention with queries and keys of different widths", Model("""
            [Linear("Dim", "Hidden")] private partial Tensor Keys(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3004:nn.functional.scaled_dot_product_attention(x, Keys(x), x)|};
            """));
        yield return ("Expanding a dimension that is not 1", Model("""
            [Forward] public Tensor Forward([Shape("B,8,Dim")] Tensor x) => {|TW3004:x.expand(-1, 16, -1)|};
            """));
        yield return ("Multiplying by a gate of the wrong width", Model("""
            [Linear("Dim", "Hidden")] private partial Tensor Gate(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x)
            {
                var gated = x;
                {|TW3004:gated *= Gate(x).sigmoid()|};
                return gated;
            }
            """));

        // ---- TW3005: element counts ----
        yield return ("Reshape that forgets to divide by the head count", Model("""
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3005:x.view(x.size(0), x.size(1), Config.Heads, Config.Dim)|};
            """));
        yield return ("Inferred dimension that cannot divide", Model("""
            [Forward] public Tensor Forward([Shape("4,10")] Tensor x) => {|TW3005:x.reshape(-1, 3)|};
            """));
        yield return ("Split sizes that do not add up", Model("""
            [Linear("Dim", "Dim*3")] private partial Tensor Qkv(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => {|TW3005:Qkv(x).split(new long[] { Config.Dim, Config.Dim }, -1)|}[0];
            """));

        // ---- TW3006: dimension indices ----
        yield return ("Transpose of a dimension that does not exist", Model("""
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => x.transpose(1, {|TW3006:3|});
            """));
        yield return ("Mean over a dimension that does not exist", Model("""
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => x.mean({|TW3006:new long[] { 3 }|});
            """));
        yield return ("Softmax over a dimension that does not exist", Model("""
            [Forward] public Tensor Forward([Shape("B,T")] Tensor x) => x.softmax({|TW3006:2|});
            """));
        yield return ("Unsqueeze beyond the rank", Model("""
            [Forward] public Tensor Forward([Shape("B,T")] Tensor x) => x.unsqueeze({|TW3006:4|});
            """));
        yield return ("Chunk along a dimension that does not exist", Model("""
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => x.chunk(2, {|TW3006:-4|})[0];
            """));

        // ---- TW3008: a layer-input [Shape] against the layer ----
        yield return ("Declared layer input contradicts the layer", Model("""
            [Linear("Dim", "Vocab")] private partial Tensor Head([{|TW3008:Shape("B,T,Hidden")|}] Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Head(x);
            """));

        // ---- TW2xxx: hyperparameters ----
        yield return ("Head count that does not divide the width", U + """
            public sealed record C(int Dim = 100, int Heads = 3);

            [Model(typeof(C))]
            public partial class M
            {
                [Attention("Dim", {|TW2001:"Heads"|})] private partial Tensor Attn(Tensor x);
                [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Attn(x);
            }
            """);
        yield return ("Literal head count in a stack", Model("""
            [TransformerStack("Layers", "Dim", {|TW2001:"3"|})] private partial Tensor Blocks(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Blocks(x);
            """));
        yield return ("KV heads that do not divide the heads", Model("""
            [Attention("Dim", "Heads", KvHeads = {|TW2001:"3"|})] private partial Tensor Attn(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Attn(x);
            """));
        yield return ("Sliding window of zero", Model("""
            [TransformerStack("Layers", "Dim", "Heads", Causal = true, Window = {|TW2002:"Dim-Dim"|})] private partial Tensor Blocks(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Blocks(x);
            """));
        yield return ("Width that cancels to zero", Model("""
            [Linear("Dim", {|TW2002:"Dim-Dim"|})] private partial Tensor Proj(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Proj(x);
            """));
        yield return ("Stack of zero layers by default", U + """
            public sealed record C(int Dim = 64, int Heads = 4, int Layers = 0);

            [Model(typeof(C))]
            public partial class M
            {
                [TransformerStack({|TW2002:"Layers"|}, "Dim", "Heads")] private partial Tensor Blocks(Tensor x);
                [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Blocks(x);
            }
            """);
        yield return ("Position table drawn with no spread", Model("""
            [LearnedPositions("Dim", "Dim", Std = {|TW2002:0|})] private partial Tensor Positions(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Positions(x);
            """));
        yield return ("Tied head of the wrong shape", Model("""
            [Embedding("Vocab", "Dim*2")] private partial Tensor Embed(Tensor ids);
            [Linear("Dim*2", "Dim")] private partial Tensor Shrink(Tensor x);
            [Linear("Dim", "Vocab", TiedTo = {|TW2003:nameof(Embed)|})] private partial Tensor Head(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T")] Tensor ids) => Head(Shrink(Embed(ids)));
            """));
        yield return ("Negative normalisation epsilon", Model("""
            [LayerNorm("Dim", Eps = {|TW2004:-1e-5|})] private partial Tensor Norm(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Norm(x);
            """));
        yield return ("Dropout probability above one", Model("""
            [Dropout({|TW2005:1.5|})] private partial Tensor Drop(Tensor x);
            [Forward] public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Drop(x);
            """));
        yield return ("Block whose sizes break its attention", U + """
            public sealed record InnerConfig(int Width, int Heads);

            [Block(typeof(InnerConfig))]
            public partial class Inner
            {
                [Attention("Width", "Heads")] private partial Tensor Attn(Tensor x);

                [Forward]
                private Tensor Forward([Shape("B,T,Width")] Tensor x) => Attn(x);
            }

            public sealed record C(int Dim = 96, int Heads = 5);

            [Model(typeof(C))]
            public partial class M
            {
                [{|TW2001:Use(typeof(Inner), "Dim", "Heads")|}] private partial Tensor Mix(Tensor x);

                [Forward]
                public Tensor Forward([Shape("B,T,Dim")] Tensor x) => Mix(x);
            }
            """);
    }
}
