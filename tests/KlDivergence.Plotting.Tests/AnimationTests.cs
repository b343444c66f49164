using System.Xml.Linq;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Plotting.Tests;

public class AnimationTests
{
    [Fact]
    public void Each_frame_is_a_group_toggled_by_a_discrete_smil_animation()
    {
        const int n = 5;
        var animation = new Animation(frameSeconds: 0.25);
        for (int k = 0; k < n; k++)
        {
            double shift = k;
            animation.AddFrame(ax => ax.Plot([0.0, 1, 2], [shift, shift + 1, shift]).SetLimits(0, 2, 0, 6), title: $"step {k}");
        }

        XDocument doc = SvgAssert.Parse(animation.ToSvgString());
        XElement[] frames = SvgAssert.Groups(doc, "frame").ToArray();
        XElement[] animates = doc.Descendants(SvgAssert.Ns + "animate").ToArray();

        frames.Should().HaveCount(n);
        animates.Should().HaveCount(n);
        animates.Should().OnlyContain(a =>
            a.Attribute("attributeName")!.Value == "visibility"
            && a.Attribute("dur")!.Value == "1.25s"
            && a.Attribute("calcMode")!.Value == "discrete"
            && a.Attribute("repeatCount")!.Value == "indefinite");
        animates.Select(a => a.Parent).Should().Equal(frames);
        animates[2].Attribute("keyTimes")!.Value.Should().Be("0;0.4;0.6");
        animates[2].Attribute("values")!.Value.Should().Be("hidden;visible;hidden");
        frames.Select(f => f.Attribute("visibility")!.Value).Should().Equal("visible", "hidden", "hidden", "hidden", "hidden");
        doc.Descendants(SvgAssert.Ns + "text").Where(t => (string?)t.Attribute("class") == "frame-counter").Select(t => t.Value)
            .Should().Equal("1 / 5", "2 / 5", "3 / 5", "4 / 5", "5 / 5");
        doc.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().Should().OnlyHaveUniqueItems();
        animation.DurationSeconds.Should().Be(1.25);
    }

    [Fact]
    public void Multi_panel_frames_keep_their_panels()
    {
        var animation = new Animation();
        for (int k = 0; k < 3; k++)
        {
            var figure = new Figure(2, 2);
            figure[1, 1].Scatter([k, 1.0], [1.0, k]);
            animation.AddFrame(figure);
        }

        XDocument doc = SvgAssert.Parse(animation.ToSvgString());
        SvgAssert.Groups(doc, "frame").Should().OnlyContain(f => f.Descendants(SvgAssert.Ns + "g").Count(g => (string?)g.Attribute("class") == "axes") == 4);
        doc.Root!.Attribute("width")!.Value.Should().Be("640");
    }

    [Fact]
    public void Single_frame_needs_no_animation_and_empty_animation_throws()
    {
        var animation = new Animation().AddFrame(ax => ax.Plot([0.0, 1], [0.0, 1]));
        SvgAssert.Parse(animation.ToSvgString()).Descendants(SvgAssert.Ns + "animate").Should().BeEmpty();

        Action empty = () => new Animation().ToSvgString();
        empty.Should().Throw<InvalidOperationException>();
    }
}
