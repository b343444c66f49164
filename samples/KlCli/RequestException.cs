namespace KlDivergence.Cli;

/// <summary>A request the tool cannot answer: malformed JSON, an unknown or missing field, a bad value. The message is shown as is.</summary>
internal sealed class RequestException : Exception
{
    public RequestException(string message)
        : base(message)
    {
    }

    public RequestException()
    {
    }

    public RequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
