using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>Attention written from its definition with separate q, k, v weights sliced from the block's state.</summary>
internal static class IndependentAttention
{
    public static Tensor Run(AttentionOptions o, IReadOnlyDictionary<string, Tensor> w, Tensor x, Tensor? memory = null,
        Tensor? positions = null, Tensor? keyPositions = null, Tensor? padding = null, Tensor? bias = null, Tensor? queryGroups = null, Tensor? keyGroups = null)
    {
        long h = o.Heads, hkv = o.KvHeads ?? o.Heads, hd = o.HeadDim ?? o.Dim / o.Heads;
        long b = x.shape[0], t = x.shape[1];
        var source = memory ?? x;
        var s = source.shape[1];
        Tensor Split(Tensor flat, long heads, long length) => flat.reshape(b, length, heads, hd).permute(0, 2, 1, 3);
        Tensor q, k, v;
        if (memory is null)
        {
            var W = w["qkv.weight"];
            var B = o.Bias ? w["qkv.bias"] : null;
            q = Independent.Linear(x, W[..(int)(h * hd)], B?[..(int)(h * hd)]);
            k = Independent.Linear(x, W[(int)(h * hd)..(int)((h + hkv) * hd)], B?[(int)(h * hd)..(int)((h + hkv) * hd)]);
            v = Independent.Linear(x, W[(int)((h + hkv) * hd)..], B?[(int)((h + hkv) * hd)..]);
        }
        else
        {
            q = Independent.Linear(x, w["q.weight"], o.Bias ? w["q.bias"] : null);
            var W = w["kv.weight"];
            var B = o.Bias ? w["kv.bias"] : null;
            k = Independent.Linear(memory, W[..(int)(hkv * hd)], B?[..(int)(hkv * hd)]);
            v = Independent.Linear(memory, W[(int)(hkv * hd)..], B?[(int)(hkv * hd)..]);
        }
        q = Split(q, h, t);
        k = Split(k, hkv, s);
        v = Split(v, hkv, s);
        if (o.QkNorm)
        {
            q = Independent.RmsNorm(q, w["q_norm.weight"], 1e-6);
            k = Independent.RmsNorm(k, w["k_norm.weight"], 1e-6);
        }
        if (o.Rope)
        {
            q = Independent.Rope(q, positions ?? arange(t), o.RopeTheta);
            k = Independent.Rope(k, keyPositions ?? (memory is null ? positions : null) ?? arange(s), o.RopeTheta);
        }
        // Each query head reads key/value head (head / group size).
        var group = h / hkv;
        var index = tensor(System.Linq.Enumerable.Range(0, (int)h).Select(head => (long)(head / group)).ToArray());
        k = k.index_select(1, index);
        v = v.index_select(1, index);

        var scores = einsum("bhtd,bhsd->bhts", q, k);
        if (o.Scaled)
        {
            scores = scores / Math.Sqrt(hd);
        }
        if (bias is not null)
        {
            scores = scores + bias;
        }
        var allowed = ones(b, 1, t, s, ScalarType.Bool);
        var qi = arange(t).view(1, 1, t, 1);
        var kj = arange(s).view(1, 1, 1, s);
        if (o.Prefix is { } p)
        {
            var prefixRow = qi.lt(p);
            allowed = allowed & ((prefixRow & kj.lt(p)) | (prefixRow.logical_not() & (kj.lt(p) | kj.le(qi))));
        }
        else if (o.Causal)
        {
            allowed = allowed & kj.le(qi);
            if (o.Window is { } window)
            {
                allowed = allowed & kj.gt(qi - window);
            }
        }
        if (padding is not null)
        {
            allowed = allowed & padding.view(b, 1, 1, s);
        }
        if (queryGroups is not null)
        {
            allowed = allowed & queryGroups.view(b, 1, t, 1).eq(keyGroups!.view(b, 1, 1, s));
        }
        scores = scores.masked_fill(allowed.logical_not(), -1e9);
        var weights = o.Softmax1 ? Independent.Softmax1(scores) : scores.softmax(-1);
        // A query that sees no key attends to nothing.
        weights = weights * allowed.any(-1, keepdim: true).to(weights.dtype);
        var attended = einsum("bhts,bhsd->bthd", weights, v).reshape(b, t, h * hd);
        return Independent.Linear(attended, w["proj.weight"], o.Bias ? w["proj.bias"] : null);
    }
}
