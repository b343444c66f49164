using System.Xml.Linq;
using KlDivergence.Samples.Tour;

namespace KlDivergence.Samples.Tests;

public class TourSampleTests
{
    [Fact]
    public void TheTourRunsEverySampleAndWritesWellFormedFigures()
    {
        string dir = Path.Combine(Path.GetTempPath(), "kl-tour-" + Guid.NewGuid().ToString("N"));
        try
        {
            var output = new StringWriter();
            TourSample.Run(["--out", dir], output).Should().Be(0, output.ToString());
            output.ToString().Should().Contain("All 3 samples ran");
            var svgs = Directory.GetFiles(dir, "*.svg", SearchOption.AllDirectories);
            svgs.Should().NotBeEmpty();
            Directory.GetDirectories(dir).Select(Path.GetFileName).Should().BeEquivalentTo("understanding-kl", "forward-reverse-kl", "discrete-kl");
            foreach (var svg in svgs)
            {
                XDocument.Load(svg).Root!.Name.LocalName.Should().Be("svg");
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        TourSample.Run(["--bogus"], new StringWriter()).Should().Be(2);
    }
}
