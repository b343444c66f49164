using System.Text.Json;
using KlDivergence.Cli;
using KlDivergence.Divergences;

namespace KlDivergence.Cli.Tests;

public class KlProgramTests
{
    private const string N02 = """{"family":"Normal","loc":0,"scale":2}""";
    private const string N14 = """{"family":"Normal","loc":1,"scale":4}""";

    private static readonly double NormalClosedForm = Math.Log(2) + 5.0 / 32 - 0.5;

    private static (int Code, string[] Lines, string Err) Run(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = KlProgram.Run(args, input, output, error);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        return (code, lines, error.ToString());
    }

    private static JsonElement Json(string line) => JsonDocument.Parse(line).RootElement.Clone();

    private static JsonElement Divergence(params string[] extra)
    {
        var (code, lines, _) = Run("", ["divergence", "--p", N02, "--q", N14, .. extra]);
        code.Should().Be(0);
        lines.Should().ContainSingle();
        return Json(lines[0]);
    }

    [Fact]
    public void Single_request_gives_the_normal_closed_form()
    {
        var result = Divergence();
        result.GetProperty("value").GetDouble().Should().BeApproximately(NormalClosedForm, 1e-15);
        result.GetProperty("method").GetString().Should().Be("closed-form");
        result.GetProperty("standardError").GetDouble().Should().Be(0);
        result.GetProperty("samples").GetInt32().Should().Be(0);
    }

    [Fact]
    public void Cauchy_versus_normal_is_infinite_by_rule()
    {
        // Issue example: `kl` printed 5.9e14 "by quadrature"; E X² = ∞ under a Cauchy, so KL = +∞.
        var (code, lines, _) = Run("", "divergence", "--p", """{"family":"Cauchy","loc":0,"scale":1}""", "--q", """{"family":"Normal","loc":0,"scale":1}""");
        code.Should().Be(0);
        var result = Json(lines[0]);
        result.GetProperty("value").GetString().Should().Be("Infinity");
        result.GetProperty("method").GetString().Should().Be("rule");
        result.GetProperty("reason").GetString().Should().Contain("Cauchy");
    }

    [Fact]
    public void Value_is_printed_round_trippable()
    {
        var (_, lines, _) = Run("", "divergence", "--p", N02, "--q", N14);
        double value = Json(lines[0]).GetProperty("value").GetDouble();
        value.Should().Be(Kl.Divergence(new Distributions.Normal(0.0, 2.0), new Distributions.Normal(1.0, 4.0)).ToScalar());
    }

    [Fact]
    public void Normal_versus_mixture_uses_quadrature_under_auto()
    {
        string q = """{"family":"MixtureSameFamily","mixture":{"family":"Categorical","probs":[0.3,0.7]},"components":{"family":"Normal","loc":[-1,1],"scale":[1,0.5]}}""";
        var (code, lines, _) = Run("", "divergence", "--p", N02, "--q", q, "--method", "auto");
        code.Should().Be(0);
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("quadrature");
        result.GetProperty("value").GetDouble().Should().BePositive();
    }

    [Fact]
    public void Monte_carlo_is_reproducible_and_near_the_closed_form()
    {
        var first = Divergence("--method", "monte-carlo", "--samples", "20000", "--seed", "7");
        var second = Divergence("--method", "monte-carlo", "--samples", "20000", "--seed", "7");
        first.GetRawText().Should().Be(second.GetRawText());
        first.GetProperty("method").GetString().Should().Be("monte-carlo");
        first.GetProperty("samples").GetInt32().Should().Be(20000);
        double se = first.GetProperty("standardError").GetDouble();
        se.Should().BePositive();
        first.GetProperty("value").GetDouble().Should().BeApproximately(NormalClosedForm, 5 * se);
    }

    [Fact]
    public void Batch_answers_every_line_and_continues_after_a_bad_one()
    {
        string stdin = string.Join('\n',
            $$"""{"p":{{N02}},"q":{{N14}}}""",
            """{"p":{"family":"Normal","loc":0,"scale":-1},"q":{"family":"Normal","loc":0,"scale":1}}""",
            $$"""{"p":{{N14}},"q":{{N02}},"method":"closed-form"}""") + "\n";
        var (code, lines, _) = Run(stdin, "batch");
        code.Should().Be(0);
        lines.Should().HaveCount(3);
        Json(lines[0]).GetProperty("value").GetDouble().Should().BeApproximately(NormalClosedForm, 1e-15);
        Json(lines[1]).GetProperty("error").GetString().Should().Be("Normal: scale must be positive and finite, got -1");
        Json(lines[2]).GetProperty("method").GetString().Should().Be("closed-form");
    }

    [Theory]
    [InlineData("not json", "malformed JSON")]
    [InlineData("""{"p":{"family":"Normal","loc":0,"scale":1}}""", "missing field 'q'")]
    [InlineData("""{"p":{"family":"Normal","loc":0,"scale":1},"q":{"family":"Normal","loc":0,"scale":1},"sample":5}""", "unknown field 'sample'")]
    [InlineData("""{"p":{"family":"Normal","loc":0,"scal":1},"q":{"family":"Normal","loc":0,"scale":1}}""", "p: unknown parameter 'scal' for Normal")]
    [InlineData("""{"p":{"family":"Normal","loc":0},"q":{"family":"Normal","loc":0,"scale":1}}""", "p: missing parameter 'scale' for Normal")]
    [InlineData("""{"p":{"family":"Normal","loc":0,"scale":1},"q":{"family":"Normal","loc":"x","scale":1}}""", "q.loc: expected a number")]
    [InlineData("""{"p":{"family":"Normal","loc":[[0,1],[2]],"scale":1},"q":{"family":"Normal","loc":0,"scale":1}}""", "p.loc: ragged array")]
    [InlineData("""{"p":{"family":"Categorical","probs":[0.5,0.5],"logits":[0,0]},"q":{"family":"Categorical","probs":[0.5,0.5]}}""", "exactly one of probs, logits")]
    [InlineData("""{"p":{"family":"Normal","loc":0,"scale":1},"q":{"family":"Normal","loc":0,"scale":1},"method":"exact"}""", "method: expected one of")]
    [InlineData("""{"p":{"family":"NoSuchThing","loc":0},"q":{"family":"Normal","loc":0,"scale":1}}""", "unknown family 'NoSuchThing'; see kl families")]
    [InlineData("""{"p":{"family":"Categorical","probs":[0.5,0.5]},"q":{"family":"Categorical","probs":[0.5,0.5]},"method":"quadrature"}""", "Quadrature needs univariate continuous distributions")]
    public void Bad_requests_get_an_error_naming_the_problem(string line, string expected)
    {
        var (code, lines, _) = Run(line + "\n", "batch");
        code.Should().Be(0);
        lines.Should().ContainSingle();
        string error = Json(lines[0]).GetProperty("error").GetString()!;
        error.Should().Contain(expected);
        error.Should().NotContain("(Parameter '");
    }

    [Fact]
    public void Family_absent_from_this_build_is_unknown()
    {
        var (_, lines, _) = Run("""{"p":{"family":"Hypergeometric","total":3},"q":{"family":"Normal","loc":0,"scale":1}}""" + "\n", "batch");
        Json(lines[0]).GetProperty("error").GetString().Should().Be("unknown family 'Hypergeometric'; see kl families");
    }

    [Fact]
    public void Batched_parameter_gives_an_array_value()
    {
        var (code, lines, _) = Run("", "divergence", "--p", """{"family":"Normal","loc":[0,1,2],"scale":1}""", "--q", """{"family":"Normal","loc":0,"scale":1}""");
        code.Should().Be(0);
        var result = Json(lines[0]);
        result.GetProperty("value").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(0.0, 0.5, 2.0);
        result.GetProperty("standardError").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(0.0, 0.0, 0.0);
    }

    [Fact]
    public void Matrix_batch_nests_to_the_batch_shape()
    {
        var (_, lines, _) = Run("", "divergence", "--p", """{"family":"Normal","loc":[[0,1],[2,3]],"scale":1}""", "--q", """{"family":"Normal","loc":0,"scale":1}""");
        var value = Json(lines[0]).GetProperty("value");
        value.GetArrayLength().Should().Be(2);
        value[1][1].GetDouble().Should().Be(4.5);
    }

    [Fact]
    public void Multivariate_normal_takes_matrices_as_arrays_of_rows()
    {
        string p = """{"family":"MultivariateNormal","loc":[0,0],"covarianceMatrix":[[1,0],[0,1]]}""";
        string q = """{"family":"MultivariateNormalDiag","loc":[1,0],"scaleDiag":[1,1]}""";
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q);
        code.Should().Be(0);
        Json(lines[0]).GetProperty("value").GetDouble().Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void Infinite_value_is_the_string_Infinity()
    {
        var (code, lines, _) = Run("", "divergence", "--p", """{"family":"Categorical","probs":[0.5,0.5]}""", "--q", """{"family":"Categorical","probs":[1,0]}""");
        code.Should().Be(0);
        lines[0].Should().Contain("\"value\":\"Infinity\"");
        Json(lines[0]).GetProperty("value").GetString().Should().Be("Infinity");
    }

    [Fact]
    public void Invalid_distribution_in_divergence_mode_prints_the_error_and_exits_1()
    {
        var (code, lines, _) = Run("", "divergence", "--p", """{"family":"Normal","loc":0,"scale":-1}""", "--q", N14);
        code.Should().Be(1);
        lines.Should().Equal("""{"error":"Normal: scale must be positive and finite, got -1"}""");
    }

    [Theory]
    [InlineData]
    [InlineData("bogus")]
    [InlineData("divergence", "--p", N02)]
    [InlineData("divergence", "--p", N02, "--q", N14, "--method", "exact")]
    [InlineData("divergence", "--p", N02, "--q", N14, "--samples", "ten")]
    [InlineData("divergence", "--p", N02, "--q", N14, "--seed", "-1")]
    [InlineData("divergence", "--p", N02, "--q", N14, "--colour", "red")]
    [InlineData("families", "extra")]
    public void Bad_usage_exits_2_with_usage_on_stderr(params string[] args)
    {
        var (code, lines, err) = Run("", args);
        code.Should().Be(2);
        lines.Should().BeEmpty();
        err.Should().Contain("usage:");
    }

    [Fact]
    public void Families_lists_every_table_entry_with_parameters()
    {
        var (code, lines, _) = Run("", "families");
        code.Should().Be(0);
        var families = lines.Select(Json).ToDictionary(
            f => f.GetProperty("family").GetString()!,
            f => f.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()!).ToArray());
        families["Normal"].Should().Equal("loc", "scale");
        families["MultivariateNormal"].Should().Contain(["loc", "covarianceMatrix", "scaleTril", "precisionMatrix"]);
        families["Beta"].Should().Equal("concentration1", "concentration0");
        families["Binomial"].Should().Equal("totalCount", "probs");
        families["LowRankMultivariateNormal"].Should().Equal("loc", "covFactor", "covDiag");
        families["Dirichlet"].Should().Equal("concentration");
        families["Wishart"].Should().Equal("df", "covarianceMatrix", "scaleTril", "precisionMatrix");
        families["LKJCholesky"].Should().Equal("dimension", "concentration");
        families["RelaxedOneHotCategorical"].Should().Equal("temperature", "probs", "logits");

        // Every family in a registered pair can be requested, except the generic TransformedDistribution
        // (it needs a bijector, which SPECs do not describe; its LogNormal subclass is a family).
        foreach (var (p, q) in KlRegistry.Default.Pairs)
        {
            foreach (var type in new[] { p, q }.Where(t => t.Name != "TransformedDistribution"))
            {
                families.Should().ContainKey(type.Name);
            }
        }
    }

    [Fact]
    public void Pairs_lists_what_the_registry_holds()
    {
        var (code, lines, _) = Run("", "pairs");
        code.Should().Be(0);
        var listed = lines.Select(Json).Select(j => (j.GetProperty("p").GetString()!, j.GetProperty("q").GetString()!)).ToList();
        listed.Should().HaveCount(KlRegistry.Default.ReachablePairs.Count);
        listed.Should().BeEquivalentTo(KlRegistry.Default.ReachablePairs.Select(pair => (pair.P.Name, pair.Q.Name)));
        listed.Should().Contain(("Normal", "Normal"));

        // Chi2 has no registered pair of its own: it is Gamma(k/2, ½) by equivalence, and its pairs are listed.
        KlRegistry.Default.Pairs.Should().NotContain(pair => pair.P.Name == "Chi2" || pair.Q.Name == "Chi2");
        listed.Should().Contain(("Chi2", "Gamma")).And.Contain(("Exponential", "Chi2")).And.Contain(("Normal", "Chi2"));
    }

    [Fact]
    public void Mixture_of_specs_is_accepted()
    {
        string p = """{"family":"Mixture","weights":[0.5,0.5],"components":[{"family":"Normal","loc":-1,"scale":1},{"family":"Normal","loc":1,"scale":1}]}""";
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", """{"family":"Normal","loc":0,"scale":2}""");
        code.Should().Be(0);
        Json(lines[0]).GetProperty("method").GetString().Should().Be("quadrature");
    }

    [Theory]
    [InlineData("""{"family":"Laplace","loc":0,"scale":1}""", """{"family":"Laplace","loc":1,"scale":2}""")]
    [InlineData("""{"family":"Gamma","concentration":2,"rate":1}""", """{"family":"Gamma","concentration":3,"rate":2}""")]
    [InlineData("""{"family":"Beta","concentration1":2,"concentration0":3}""", """{"family":"Beta","concentration1":1,"concentration0":1}""")]
    [InlineData("""{"family":"Poisson","rate":2}""", """{"family":"Poisson","rate":3}""")]
    [InlineData("""{"family":"Binomial","totalCount":5,"probs":0.3}""", """{"family":"Binomial","totalCount":5,"probs":0.5}""")]
    [InlineData("""{"family":"OneHotCategorical","probs":[0.2,0.8]}""", """{"family":"OneHotCategorical","logits":[0,0]}""")]
    [InlineData("""{"family":"LowRankMultivariateNormal","loc":[0,0],"covFactor":[[1],[0]],"covDiag":[1,1]}""", """{"family":"LowRankMultivariateNormal","loc":[1,0],"covFactor":[[0],[1]],"covDiag":[1,2]}""")]
    public void Univariate_and_structured_families_answer_in_closed_form(string p, string q)
    {
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q);
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("closed-form");
        result.GetProperty("value").GetDouble().Should().BeGreaterThan(0);
    }

    [Fact]
    public void Empty_line_in_batch_gets_an_error_line()
    {
        var (code, lines, _) = Run($$"""{"p":{{N02}},"q":{{N14}}}""" + "\n\n", "batch");
        code.Should().Be(0);
        lines.Should().HaveCount(2);
        Json(lines[1]).GetProperty("error").GetString().Should().Contain("empty line");
    }

    [Theory]
    [InlineData("""{"family":"HalfCauchy","scale":1.2}""", """{"family":"HalfCauchy","scale":0.4}""")]
    [InlineData("""{"family":"Chi2","df":3}""", """{"family":"Chi2","df":5.5}""")]
    [InlineData("""{"family":"InverseGamma","concentration":3.5,"scale":2}""", """{"family":"InverseGamma","concentration":2,"scale":1.1}""")]
    [InlineData("""{"family":"Weibull","scale":1.3,"concentration":0.7}""", """{"family":"Weibull","scale":2,"concentration":1.5}""")]
    [InlineData("""{"family":"VonMises","loc":0.4,"concentration":1.3}""", """{"family":"VonMises","loc":-2,"concentration":0.5}""")]
    [InlineData("""{"family":"Multinomial","totalCount":6,"probs":[0.2,0.5,0.3]}""", """{"family":"Multinomial","totalCount":6,"probs":[0.4,0.4,0.2]}""")]
    [InlineData("""{"family":"LogisticNormal","loc":[0.3,-0.5],"scale":[0.9,1.2]}""", """{"family":"LogisticNormal","loc":[-0.2,0.4],"scale":[1.4,0.7]}""")]
    public void Added_families_answer_in_closed_form_as_the_library_does(string p, string q)
    {
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q);
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("closed-form");
        result.GetProperty("value").GetDouble().Should().Be(Kl.Divergence(Build(p), Build(q)).ToScalar());
    }

    [Theory]
    [InlineData("""{"family":"StudentT","df":3,"loc":0.5,"scale":2}""", "quadrature")]
    [InlineData("""{"family":"Kumaraswamy","concentration1":2,"concentration0":3}""", "quadrature")]
    [InlineData("""{"family":"FisherSnedecor","df1":4,"df2":7}""", "quadrature")]
    [InlineData("""{"family":"RelaxedBernoulli","temperature":1.5,"probs":0.3}""", "quadrature")]
    public void Added_families_without_a_closed_form_are_estimated(string p, string method)
    {
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", N14);
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be(method);
        result.GetProperty("value").GetDouble().Should().Be(Kl.Divergence(Build(p), new Distributions.Normal(1.0, 4.0)).ToScalar());
    }

    [Theory]
    [InlineData("""{"family":"StudentT","df":0,"loc":0,"scale":1}""", "StudentT: df must be positive and finite, got 0")]
    [InlineData("""{"family":"HalfCauchy","scale":-2}""", "HalfCauchy: scale must be positive and finite, got -2")]
    [InlineData("""{"family":"Chi2","df":-1}""", "Chi2: df must be positive and finite, got -1")]
    [InlineData("""{"family":"InverseGamma","concentration":2,"scale":0}""", "InverseGamma: scale must be positive and finite, got 0")]
    [InlineData("""{"family":"Weibull","scale":1,"concentration":-0.5}""", "Weibull: concentration must be positive and finite, got -0.5")]
    [InlineData("""{"family":"NegativeBinomial","totalCount":2,"probs":1}""", "NegativeBinomial: probs must be in (0, 1), got 1")]
    [InlineData("""{"family":"Kumaraswamy","concentration1":0,"concentration0":1}""", "Kumaraswamy: concentration1 must be positive and finite, got 0")]
    [InlineData("""{"family":"VonMises","loc":0,"concentration":-1}""", "VonMises: concentration must be positive and finite, got -1")]
    [InlineData("""{"family":"FisherSnedecor","df1":0,"df2":1}""", "FisherSnedecor: df1 must be positive and finite, got 0")]
    [InlineData("""{"family":"Multinomial","totalCount":-2,"probs":[0.5,0.5]}""", "Multinomial: totalCount must be a non-negative whole number, got -2")]
    [InlineData("""{"family":"LogisticNormal","loc":[0,1],"scale":[1,0]}""", "LogisticNormal: scale must be positive and finite, got 0")]
    [InlineData("""{"family":"RelaxedBernoulli","temperature":0,"probs":0.5}""", "RelaxedBernoulli: temperature must be positive and finite, got 0")]
    public void Added_families_report_invalid_parameters(string p, string expected)
    {
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", N14);
        code.Should().Be(1);
        Json(lines[0]).GetProperty("error").GetString().Should().Be(expected);
    }

    [Fact]
    public void Negative_binomial_by_monte_carlo_is_within_five_standard_errors_of_the_exact_sum()
    {
        string p = """{"family":"NegativeBinomial","totalCount":3,"probs":0.4}""";
        string q = """{"family":"NegativeBinomial","totalCount":2,"probs":0.6}""";
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q, "--method", "monte-carlo", "--samples", "20000", "--seed", "7");
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("monte-carlo");

        // Σₖ p(k) log(p(k)/q(k)) with MathNet's pmfs (success probability 1 - probs in its convention).
        var mp = new MathNet.Numerics.Distributions.NegativeBinomial(3, 0.6);
        var mq = new MathNet.Numerics.Distributions.NegativeBinomial(2, 0.4);
        double exact = Enumerable.Range(0, 400).Sum(k => mp.Probability(k) * (mp.ProbabilityLn(k) - mq.ProbabilityLn(k)));
        result.GetProperty("value").GetDouble().Should().BeApproximately(exact, 5 * result.GetProperty("standardError").GetDouble());
    }

    [Theory]
    [InlineData("""{"family":"Wishart","df":3.5,"scaleTril":[[1.2,0],[-0.4,0.8]]}""", """{"family":"Wishart","df":5,"covarianceMatrix":[[2,0.3],[0.3,1]]}""")]
    [InlineData("""{"family":"Wishart","df":2.5,"precisionMatrix":[[1,0.2],[0.2,2]]}""", """{"family":"Wishart","df":4,"scaleTril":[[1,0],[0.5,1]]}""")]
    public void Wishart_pairs_answer_in_closed_form_as_the_library_does(string p, string q)
    {
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q);
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("closed-form");
        result.GetProperty("value").GetDouble().Should().Be(Kl.Divergence(Build(p), Build(q)).ToScalar());
    }

    [Fact]
    public void LKJCholesky_pairs_are_estimated_within_five_standard_errors_of_the_expectation_written_out()
    {
        // KL(LKJ(d, ηp) ‖ LKJ(d, ηq)) = log C_q - log C_p + 2(ηp - ηq) Σᵢ E_p log Lᵢᵢ with E log Lᵢᵢ = ½(ψ(bᵢ) - ψ(aᵢ + bᵢ)),
        // aᵢ = (i - 1)/2, bᵢ = ηp + (d - i)/2 (rows independent, 1 - Lᵢᵢ² ~ Beta(aᵢ, bᵢ)), and log C from LKJ 2009's
        // product of Beta functions.
        const int d = 3;
        const double etaP = 0.8, etaQ = 2.5;
        static double LogC(double eta) => Enumerable.Range(1, d - 1).Sum(k =>
        {
            double b = eta + ((d - k - 1) / 2.0);
            return (d - k) * ((((2 * b) - 1) * Math.Log(2)) + MathNet.Numerics.SpecialFunctions.BetaLn(b, b));
        });
        double expectedLogDiagonal = Enumerable.Range(2, d - 1).Sum(i =>
            0.5 * (MathNet.Numerics.SpecialFunctions.DiGamma(etaP + ((d - i) / 2.0)) - MathNet.Numerics.SpecialFunctions.DiGamma(etaP + ((d - 1) / 2.0))));
        double exact = LogC(etaQ) - LogC(etaP) + (2 * (etaP - etaQ) * expectedLogDiagonal);

        string p = """{"family":"LKJCholesky","dimension":3,"concentration":0.8}""";
        string q = """{"family":"LKJCholesky","dimension":3,"concentration":2.5}""";
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q, "--method", "monte-carlo", "--samples", "20000", "--seed", "7");
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("monte-carlo");
        result.GetProperty("value").GetDouble().Should().BeApproximately(exact, 5 * result.GetProperty("standardError").GetDouble());
    }

    [Fact]
    public void RelaxedOneHotCategorical_pairs_are_estimated_by_monte_carlo()
    {
        string p = """{"family":"RelaxedOneHotCategorical","temperature":0.8,"probs":[0.2,0.5,0.3]}""";
        string q = """{"family":"RelaxedOneHotCategorical","temperature":1.5,"logits":[0.1,-0.3,0.4]}""";
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", q);
        code.Should().Be(0, lines.FirstOrDefault());
        var result = Json(lines[0]);
        result.GetProperty("method").GetString().Should().Be("monte-carlo");
        double value = result.GetProperty("value").GetDouble();
        double.IsFinite(value).Should().BeTrue();
        value.Should().BeGreaterThan(-5 * result.GetProperty("standardError").GetDouble());
    }

    [Theory]
    [InlineData("""{"family":"Wishart","df":0.5,"covarianceMatrix":[[1,0],[0,1]]}""", "Wishart: df must be finite and greater than d - 1 = 1, got 0.5")]
    [InlineData("""{"family":"Wishart","df":3,"scaleTril":[[1,0],[0.5,-1]]}""", "Wishart: scaleTril must have a positive diagonal, entry [1, 1], got -1")]
    [InlineData("""{"family":"LKJCholesky","dimension":1,"concentration":1}""", "LKJCholesky: dimension must be at least 2, got 1")]
    [InlineData("""{"family":"LKJCholesky","dimension":3,"concentration":0}""", "LKJCholesky: concentration must be positive and finite, got 0")]
    [InlineData("""{"family":"RelaxedOneHotCategorical","temperature":-1,"probs":[0.5,0.5]}""", "RelaxedOneHotCategorical: temperature must be positive and finite, got -1")]
    public void Matrix_and_simplex_families_report_invalid_parameters(string p, string expected)
    {
        var (code, lines, _) = Run("", "divergence", "--p", p, "--q", p);
        code.Should().Be(1);
        Json(lines[0]).GetProperty("error").GetString().Should().StartWith(expected);
    }

    /// <summary>The family a SPEC names, built here with the library's constructors (not through the tool).</summary>
    private static Distributions.Distribution Build(string spec)
    {
        var j = Json(spec);
        double D(string name) => j.GetProperty(name).GetDouble();
        return j.GetProperty("family").GetString() switch
        {
            "StudentT" => new Distributions.StudentT(D("df"), D("loc"), D("scale")),
            "HalfCauchy" => new Distributions.HalfCauchy(D("scale")),
            "Chi2" => new Distributions.Chi2(D("df")),
            "InverseGamma" => new Distributions.InverseGamma(D("concentration"), D("scale")),
            "Weibull" => new Distributions.Weibull(D("scale"), D("concentration")),
            "NegativeBinomial" => new Distributions.NegativeBinomial(D("totalCount"), D("probs")),
            "Kumaraswamy" => new Distributions.Kumaraswamy(D("concentration1"), D("concentration0")),
            "VonMises" => new Distributions.VonMises(D("loc"), D("concentration")),
            "FisherSnedecor" => new Distributions.FisherSnedecor(D("df1"), D("df2")),
            "Multinomial" => new Distributions.Multinomial((int)D("totalCount"), j.TryGetProperty("probs", out var pr) ? pr.EnumerateArray().Select(e => e.GetDouble()).ToArray() : throw new ArgumentException("probs")),
            "LogisticNormal" => new Distributions.LogisticNormal(j.GetProperty("loc").EnumerateArray().Select(e => e.GetDouble()).ToArray(), j.GetProperty("scale").EnumerateArray().Select(e => e.GetDouble()).ToArray()),
            "RelaxedBernoulli" => new Distributions.RelaxedBernoulli(D("temperature"), D("probs")),
            "Wishart" => BuildWishart(j),
            var f => throw new ArgumentException($"no test builder for {f}", nameof(spec)),
        };
    }

    private static Distributions.Wishart BuildWishart(JsonElement j)
    {
        static Tensors.Tensor Matrix(JsonElement m) =>
            Tensors.Tensor.FromArray([.. m.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetDouble()))], [m.GetArrayLength(), m.GetArrayLength()]);
        double df = j.GetProperty("df").GetDouble();
        return j.TryGetProperty("scaleTril", out var l) ? Distributions.Wishart.FromScaleTril(df, Matrix(l))
            : j.TryGetProperty("covarianceMatrix", out var c) ? Distributions.Wishart.FromCovariance(df, Matrix(c))
            : Distributions.Wishart.FromPrecision(df, Matrix(j.GetProperty("precisionMatrix")));
    }
}
