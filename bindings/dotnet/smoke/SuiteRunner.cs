using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NUnit.Framework;

/// <summary>
/// Runs the NUnit 2.6 suite (WxPay.Tests.dll) on a runtime nunit-console cannot host, such
/// as .NET Core 3.1: fixtures, [TestFixtureSetUp]/[TestFixtureTearDown], [SetUp]/[TearDown],
/// [Test] and [TestCase]. Test bodies use NUnit's own Assert, so failures are NUnit's.
/// Usage: SuiteRunner.exe [--exclude-category NAME]...
/// </summary>
internal static class SuiteRunner
{
    private static int Main(string[] args)
    {
        var excluded = new HashSet<string>();
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--exclude-category")
            {
                excluded.Add(args[i + 1]);
            }
        }
        Assembly suite = Assembly.Load("WxPay.Tests");
        int passed = 0, skipped = 0;
        var failed = new List<string>();
        foreach (Type fixture in suite.GetTypes().Where(t => t.IsDefined(typeof(TestFixtureAttribute), false)).OrderBy(t => t.FullName))
        {
            object instance = Activator.CreateInstance(fixture);
            MethodInfo[] methods = fixture.GetMethods(BindingFlags.Public | BindingFlags.Instance);
            Run(instance, methods, typeof(TestFixtureSetUpAttribute));
            foreach (MethodInfo test in methods.OrderBy(m => m.Name))
            {
                var cases = test.GetCustomAttributes(typeof(TestCaseAttribute), false).Cast<TestCaseAttribute>()
                    .Select(c => c.Arguments).ToList();
                if (test.IsDefined(typeof(TestAttribute), false))
                {
                    cases.Add(new object[0]);
                }
                if (cases.Count == 0)
                {
                    continue;
                }
                var categories = test.GetCustomAttributes(typeof(CategoryAttribute), false).Cast<CategoryAttribute>().Select(c => c.Name);
                if (categories.Any(excluded.Contains))
                {
                    skipped += cases.Count;
                    continue;
                }
                foreach (object[] arguments in cases)
                {
                    string name = fixture.Name + "." + test.Name + (arguments.Length > 0 ? "(" + string.Join(", ", arguments) + ")" : "");
                    try
                    {
                        Run(instance, methods, typeof(SetUpAttribute));
                        test.Invoke(instance, arguments);
                        Run(instance, methods, typeof(TearDownAttribute));
                        passed++;
                    }
                    catch (TargetInvocationException e) when (e.InnerException is IgnoreException)
                    {
                        Console.WriteLine("IGNORED " + name + ": " + e.InnerException.Message);
                        skipped++;
                    }
                    catch (TargetInvocationException e)
                    {
                        failed.Add(name + ": " + e.InnerException.GetType().Name + ": " + e.InnerException.Message);
                    }
                }
            }
            Run(instance, methods, typeof(TestFixtureTearDownAttribute));
        }
        foreach (string failure in failed)
        {
            Console.WriteLine("FAILED " + failure);
        }
        Console.WriteLine("suite on {0}: {1} passed, {2} failed, {3} excluded or ignored ({4})",
            Type.GetType("Mono.Runtime") != null ? "Mono" : ".NET Core " + Environment.Version,
            passed, failed.Count, skipped, excluded.Count == 0 ? "none" : "category " + string.Join(", ", excluded));
        return failed.Count == 0 && passed > 0 ? 0 : 1;
    }

    private static void Run(object instance, IEnumerable<MethodInfo> methods, Type attribute)
    {
        foreach (MethodInfo method in methods.Where(m => m.IsDefined(attribute, false)))
        {
            method.Invoke(instance, null);
        }
    }
}
