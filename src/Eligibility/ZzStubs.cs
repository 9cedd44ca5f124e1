#pragma warning disable
namespace Eligibility.Schema
{
    internal enum SchemaKind { RuleFile, Patient, Cases }
    internal sealed record SchemaError(string Pointer, string Message);
    internal static class SchemaValidator
    {
        public static System.Collections.Generic.IReadOnlyList<SchemaError> Validate(string json, SchemaKind kind) => new SchemaError[0];
    }
}
