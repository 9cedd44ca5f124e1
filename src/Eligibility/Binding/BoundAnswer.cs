using System.Collections.Frozen;

namespace Eligibility.Binding;

/// <summary>One declared answer of a qualitative concept: the codes, yes/no value and texts that mean it.</summary>
internal sealed record BoundAnswer(CodeMatcher Codes, bool? Boolean, FrozenSet<string> Texts);
