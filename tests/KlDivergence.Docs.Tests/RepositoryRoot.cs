namespace KlDivergence.Docs.Tests;

/// <summary>The repository root: the folder above the test binaries that holds KlDivergence.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "KlDivergence.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KlDivergence.sln not found above " + AppContext.BaseDirectory);
    }
}
