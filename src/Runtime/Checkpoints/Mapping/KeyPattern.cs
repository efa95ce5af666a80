using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Torchwright.Runtime.Checkpoints.Mapping;

/// <summary>
/// A key with integer placeholders: <c>blocks.{i}.attn.qkv.weight</c>. A placeholder <c>{name}</c> matches a run of
/// digits; <c>{name+k}</c> or <c>{name-k}</c> stands for the captured value shifted by k, so
/// <c>upper.{i}.x</c> ↔ <c>block.{i+3}.x</c> renumbers layers.
/// </summary>
internal sealed class KeyPattern
{
    private readonly List<(string Literal, string? Name, long Offset)> parts;
    private readonly Regex regex;

    private KeyPattern(string text, List<(string, string?, long)> parts)
    {
        Text = text;
        this.parts = parts;
        var expression = new StringBuilder("^");
        foreach (var (literal, name, _) in parts)
        {
            expression.Append(name is null ? Regex.Escape(literal) : "([0-9]+)");
        }
        regex = new Regex(expression.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>The placeholder names, in order.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var (_, name, _) in parts)
            {
                if (name is not null)
                {
                    yield return name;
                }
            }
        }
    }

    public static KeyPattern Parse(string text, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(text, what);
        var parts = new List<(string, string?, long)>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf('{', position);
            if (open < 0)
            {
                parts.Add((text[position..], null, 0));
                break;
            }
            if (open > position)
            {
                parts.Add((text[position..open], null, 0));
            }
            var close = text.IndexOf('}', open);
            if (close < 0)
            {
                throw new ArgumentException($"The {what} '{text}' opens a placeholder at column {open + 1} but never closes it.", what);
            }
            parts.Add(Placeholder(text, text[(open + 1)..close], what));
            position = close + 1;
        }
        for (var i = 1; i < parts.Count; i++)
        {
            if (parts[i].Item2 is not null && parts[i - 1].Item2 is not null)
            {
                throw new ArgumentException($"The {what} '{text}' has two placeholders in a row; they could not be told apart.", what);
            }
        }
        return new KeyPattern(text, parts);
    }

    /// <summary>Matches a key; on success the placeholders' values (before any offset) are added to <paramref name="values"/>.</summary>
    public bool TryMatch(string key, Dictionary<string, long> values)
    {
        var match = regex.Match(key);
        if (!match.Success)
        {
            return false;
        }
        var group = 1;
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (_, name, offset) in parts)
        {
            if (name is null)
            {
                continue;
            }
            if (!long.TryParse(match.Groups[group++].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            var value = number - offset;
            if (found.TryGetValue(name, out var earlier) && earlier != value)
            {
                return false; // the same placeholder twice with different values
            }
            found[name] = value;
        }
        foreach (var (name, value) in found)
        {
            values[name] = value;
        }
        return true;
    }

    /// <summary>Writes the key for the given placeholder values.</summary>
    public string Format(IReadOnlyDictionary<string, long> values)
    {
        var text = new StringBuilder();
        foreach (var (literal, name, offset) in parts)
        {
            if (name is null)
            {
                text.Append(literal);
                continue;
            }
            var value = values[name] + offset;
            if (value < 0)
            {
                throw new InvalidOperationException($"The pattern '{Text}' gives {name}{offset:+0;-0} = {value}, a negative index.");
            }
            text.Append(value.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static (string, string?, long) Placeholder(string text, string inside, string what)
    {
        var sign = inside.IndexOfAny(new[] { '+', '-' });
        var name = (sign < 0 ? inside : inside[..sign]).Trim();
        long offset = 0;
        if (sign >= 0 && !long.TryParse(inside[sign..].Replace("+", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out offset))
        {
            throw new ArgumentException($"The placeholder '{{{inside}}}' in the {what} '{text}' must be {{name}}, {{name+k}} or {{name-k}} with an integer k.", what);
        }
        if (name.Length == 0 || !IsIdentifier(name))
        {
            throw new ArgumentException($"The placeholder '{{{inside}}}' in the {what} '{text}' needs a name made of letters, digits and '_'.", what);
        }
        return ("", name, offset);
    }

    private static bool IsIdentifier(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return char.IsLetter(name[0]) || name[0] == '_';
    }
}
