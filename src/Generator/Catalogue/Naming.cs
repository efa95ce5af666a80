using System.Text;

namespace Torchwright.Generator.Catalogue;

/// <summary>Name conversions between C# members and PyTorch-style parameter names.</summary>
internal static class Naming
{
    /// <summary><c>TokenEmbed</c> → <c>token_embed</c>, <c>LMHead</c> → <c>lm_head</c>, <c>QKV</c> → <c>qkv</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var acronymEnds = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((previousIsLowerOrDigit || acronymEnds) && builder.Length > 0 && builder[builder.Length - 1] != '_')
                {
                    builder.Append('_');
                }
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>The field that holds a layer: <c>Head</c> → <c>head</c>.</summary>
    public static string ToFieldName(string methodName) => Escape(char.ToLowerInvariant(methodName[0]) + methodName.Substring(1));

    /// <summary>A name as C# source must write it: symbols hold <c>in</c> for a parameter declared <c>@in</c>.</summary>
    public static string Escape(string identifier) => SyntaxFacts.IsKeyword(identifier) ? "@" + identifier : identifier;

    private static class SyntaxFacts
    {
        public static bool IsKeyword(string name)
            => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None;
    }
}
