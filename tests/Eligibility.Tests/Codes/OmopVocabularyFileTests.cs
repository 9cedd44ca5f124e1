using System.Diagnostics;
using Eligibility.Codes;
using Eligibility.Diagnostics;
using Eligibility.Tests.Support;

namespace Eligibility.Tests.Codes;

/// <summary>
/// An OMOP vocabulary folder is read table by table: only regular files are opened (a device or a named pipe named
/// CONCEPT.csv would stream without end or block the reader), and no line is collected beyond a cap.
/// </summary>
public class OmopVocabularyFileTests
{
    private const string Ancestors = "ancestor_concept_id\tdescendant_concept_id\n";

    private static string Folder(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), "eligibility-omop-file-tests-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Loads the folder on another thread, so that a reader that blocks (a pipe) fails the test instead of hanging it.</summary>
    private static TerminologyLoadResult Load(string folder)
    {
        var load = Task.Run(() => Terminology.LoadOmop(folder));
        load.Wait(TimeSpan.FromSeconds(60)).Should().BeTrue("loading must not block or stream without end (hang guard)");
        return load.Result;
    }

    [Test]
    [Platform("Linux")]
    public void AConceptTableLinkedToDevZero_IsRefusedAsNotARegularFile()
    {
        string folder = Folder("dev-zero");
        File.CreateSymbolicLink(Path.Combine(folder, "CONCEPT.csv"), "/dev/zero");
        File.WriteAllText(Path.Combine(folder, "CONCEPT_ANCESTOR.csv"), Ancestors);

        var result = Load(folder);

        result.Terminology.Should().BeNull();
        var d = result.Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.FileUnreadable);
        Path.GetFileName(d.File).Should().Be("CONCEPT.csv");
        d.Message.Should().Contain("a character device").And.Contain("not a regular file");
    }

    [Test]
    [Platform("Linux")]
    public void AnAncestorTableThatIsANamedPipe_IsRefusedWithoutBlocking()
    {
        string folder = Folder("fifo");
        File.Copy(Path.Combine(Terminologies.OmopFolder, "CONCEPT.csv"), Path.Combine(folder, "CONCEPT.csv"));
        string fifo = Path.Combine(folder, "CONCEPT_ANCESTOR.csv");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", fifo) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        var result = Load(folder);

        result.Terminology.Should().BeNull();
        var d = result.Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.FileUnreadable);
        Path.GetFileName(d.File).Should().Be("CONCEPT_ANCESTOR.csv");
        d.Message.Should().Contain("a named pipe");
    }

    [Test]
    public void ALineOverTheCap_StopsTheReadWithTheFileAndLine()
    {
        string folder = Folder("long-line");
        string concepts = "concept_id\tconcept_name\tvocabulary_id\tconcept_code\n443392\tMalignant neoplastic disease\tSNOMED\t363346000\n"
            + "4112853\t" + new string('x', OmopVocabulary.MaxLineLength + 1) + "\tSNOMED\t254837009\n"
            + "not read\n";
        File.WriteAllText(Path.Combine(folder, "CONCEPT.csv"), concepts);
        File.WriteAllText(Path.Combine(folder, "CONCEPT_ANCESTOR.csv"), Ancestors);

        var result = Load(folder);

        result.Terminology.Should().BeNull();
        var d = result.Diagnostics.Should().ContainSingle().Subject;
        d.Code.Should().Be(DiagnosticCodes.TerminologyRowInvalid);
        (d.Line, Path.GetFileName(d.File)).Should().Be((3, "CONCEPT.csv"));
        d.Message.Should().Contain("longer than");
    }

    [Test]
    public void AHeaderWithoutLineBreaksOverTheCap_IsRefused()
    {
        string folder = Folder("endless-header");
        File.WriteAllText(Path.Combine(folder, "CONCEPT.csv"), new string('c', (OmopVocabulary.MaxLineLength * 2) + 10));
        File.WriteAllText(Path.Combine(folder, "CONCEPT_ANCESTOR.csv"), Ancestors);

        var d = Load(folder).Diagnostics.Should().ContainSingle().Subject;
        (d.Code, d.Line).Should().Be((DiagnosticCodes.TerminologyRowInvalid, 1));
        d.Message.Should().Contain("header");
    }

    [Test]
    public void LinesAtTheCapAndWindowsLineEnds_AreReadAsBefore()
    {
        string folder = Folder("crlf");
        string name = new('n', OmopVocabulary.MaxLineLength - "4112853\t\tSNOMED\t254837009".Length);
        File.WriteAllText(Path.Combine(folder, "CONCEPT.csv"),
            "concept_id\tconcept_name\tvocabulary_id\tconcept_code\r\n443392\tMalignant neoplastic disease\tSNOMED\t363346000\r\n\r\n4112853\t" + name + "\tSNOMED\t254837009");
        File.WriteAllText(Path.Combine(folder, "CONCEPT_ANCESTOR.csv"), Ancestors + "443392\t4112853\r\n");

        var result = Load(folder);

        result.Diagnostics.Should().BeEmpty();
        result.Terminology!.Descendants(new Coding(CodeSystems.Snomed, "363346000")).Select(c => c.Code).Should().Equal("254837009");
    }
}
