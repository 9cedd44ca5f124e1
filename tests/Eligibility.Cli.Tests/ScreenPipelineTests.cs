using System.Text;
using Eligibility.Cli.Screening;
using Kind = Eligibility.Cli.Tests.ScreenCommandTests.LineKind;

namespace Eligibility.Cli.Tests;

/// <summary>
/// The screening pipeline's own threads hand records over in runs, and that must never change what comes out or when:
/// outcomes in input order at any worker count, a record that trickles in goes out before the next one is read (none
/// is held back to make a run longer), an error of the input comes after the records read before it, a stop finishes
/// what is in flight and reads no further, and an exception of the consumer ends the run.
/// </summary>
[TestFixture]
public sealed class ScreenPipelineTests
{
    /// <summary>A hang guard only: far longer than any of these runs takes on a loaded machine.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private static readonly byte[] Record = Encoding.UTF8.GetBytes(ScreenCommandTests.Line(1, Kind.Eligible));

    private static ScreenPipeline Pipeline(int workers) =>
        new([RuleCompiler.CompileFile(TestPaths.TinyRules).Evaluator!], null, CliRunner.Today, workers);

    private static ScreenItem Item(int line) => new(line, null, Record, null, line);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    public void Outcomes_come_in_input_order_whatever_each_record_costs(int workers)
    {
        var pipeline = Pipeline(workers);
        var random = new Random(workers);
        var delays = Enumerable.Range(0, 400).Select(_ => random.Next(4) == 0 ? random.Next(3) : 0).ToArray();
        ScreenPipeline.Fault.Value = item => Thread.Sleep(delays[item.Line - 1]); // slow records finish after later ones
        try
        {
            var lines = new List<int>();
            bool all = pipeline.Run(Enumerable.Range(1, 400).Select(Item), o => lines.Add(o.Item.Line));

            all.Should().BeTrue();
            lines.Should().Equal(Enumerable.Range(1, 400));
        }
        finally
        {
            ScreenPipeline.Fault.Value = null;
        }
    }

    [TestCase(1)]
    [TestCase(3)]
    public void A_record_that_trickles_in_is_consumed_before_the_next_one_is_read(int workers)
    {
        // The input gives record n + 1 only once record n is consumed, as a person typing into a pipe would: a pipeline
        // that waited for more records before handing one on would never finish (the guard turns that into a failure).
        var pipeline = Pipeline(workers);
        using var consumed = new SemaphoreSlim(0);
        IEnumerable<ScreenItem> Trickle()
        {
            for (int i = 1; i <= 30; i++)
            {
                if (i > 1 && !consumed.Wait(Guard))
                {
                    throw new TimeoutException($"record {i - 1} was not consumed before record {i} was read");
                }

                yield return Item(i);
            }
        }

        var lines = new List<int>();
        bool all = pipeline.Run(Trickle(), o =>
        {
            lines.Add(o.Item.Line);
            consumed.Release();
        });

        all.Should().BeTrue();
        lines.Should().Equal(Enumerable.Range(1, 30));
    }

    [TestCase(1)]
    [TestCase(4)]
    public void An_error_of_the_input_is_thrown_after_the_records_read_before_it_are_consumed(int workers)
    {
        var pipeline = Pipeline(workers);
        IEnumerable<ScreenItem> Broken()
        {
            for (int i = 1; i <= 50; i++)
            {
                yield return Item(i);
            }

            throw new IOException("the input broke");
        }

        var lines = new List<int>();
        var run = () => pipeline.Run(Broken(), o => lines.Add(o.Item.Line));

        run.Should().Throw<IOException>().WithMessage("the input broke");
        lines.Should().Equal(Enumerable.Range(1, 50));
    }

    [TestCase(1)]
    [TestCase(3)]
    public void A_stop_finishes_the_records_in_flight_and_reads_no_further(int workers)
    {
        var pipeline = Pipeline(workers);
        using var stop = new CancellationTokenSource();
        int pulled = 0;
        IEnumerable<ScreenItem> Endless()
        {
            for (int i = 1; ; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return Item(i);
            }
        }

        var lines = new List<int>();
        int pulledAtStop = 0;
        bool all = pipeline.Run(Endless(), o =>
        {
            lines.Add(o.Item.Line);
            if (o.Item.Line == 100)
            {
                stop.Cancel(); // from here on nothing more is placed in flight
                pulledAtStop = Volatile.Read(ref pulled);
            }
        }, stop.Token);

        all.Should().BeFalse("the input was not read to its end");
        lines.Should().Equal(Enumerable.Range(1, lines.Count), "what is consumed is a prefix of the input, in order");
        lines.Count.Should().BeGreaterThanOrEqualTo(100).And.BeLessThanOrEqualTo(pulledAtStop, "only records already read are finished");
        lines.Count.Should().BeLessThanOrEqualTo(100 + pipeline.Window, "at most a window of records is in flight");
    }

    [TestCase(1)]
    [TestCase(3)]
    public void An_exception_of_the_consumer_ends_the_run(int workers)
    {
        var pipeline = Pipeline(workers);
        var lines = new List<int>();
        var run = () => pipeline.Run(Enumerable.Range(1, 1_000_000).Select(Item), o =>
        {
            lines.Add(o.Item.Line);
            if (o.Item.Line == 7)
            {
                throw new InvalidOperationException("the writer failed");
            }
        });

        var task = Task.Run(() => run.Should().Throw<InvalidOperationException>().WithMessage("the writer failed"));
        task.Wait(Guard).Should().BeTrue("the run ends when its consumer throws");
        lines.Should().Equal(Enumerable.Range(1, 7));
    }
}
