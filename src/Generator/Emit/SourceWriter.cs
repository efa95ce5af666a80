using System;
using System.Text;

namespace Torchwright.Generator.Emit;

/// <summary>Writes indented C# into a <see cref="StringBuilder"/>. Blocks are opened and closed with
/// <see cref="OpenBlock"/> so that braces and indentation always agree.</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder builder = new();
    private int depth;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (var i = 0; i < depth; i++)
            {
                builder.Append(IndentUnit);
            }
            builder.Append(text);
        }
        builder.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the result is disposed.</summary>
    public IDisposable OpenBlock(string header)
    {
        Line(header);
        return OpenBraces();
    }

    /// <summary>An opening brace on its own line, indenting until the result is disposed.</summary>
    public IDisposable OpenBraces()
    {
        Line("{");
        depth++;
        return new Closer(this);
    }

    public void Indent() => depth++;

    public void Unindent() => depth--;

    public override string ToString() => builder.ToString();

    // A blank line separates members; before a closing brace it would only be noise.
    private void TrimTrailingBlankLine()
    {
        if (builder.Length >= 2 && builder[builder.Length - 1] == '\n' && builder[builder.Length - 2] == '\n')
        {
            builder.Length--;
        }
    }

    private sealed class Closer(SourceWriter writer) : IDisposable
    {
        private bool closed;

        public void Dispose()
        {
            if (closed)
            {
                return;
            }
            closed = true;
            writer.TrimTrailingBlankLine();
            writer.depth--;
            writer.Line("}");
        }
    }
}
