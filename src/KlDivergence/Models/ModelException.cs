namespace KlDivergence.Models;

/// <summary>
/// A model definition or its input is invalid: a variable declared twice, an unknown name, data or an initial value
/// outside a support, a shape that does not fit. <see cref="VariableName"/> names the variable concerned.
/// </summary>
public sealed class ModelException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="variableName"/>.</summary>
    /// <param name="variableName">The variable the problem concerns.</param>
    /// <param name="message">What is wrong, with the offending value.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ModelException(string variableName, string message, Exception? innerException = null)
        : base($"Variable '{variableName}': {message}", innerException) => VariableName = variableName;

    /// <summary>The name of the variable the problem concerns.</summary>
    public string VariableName { get; }
}
