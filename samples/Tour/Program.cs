using KlDivergence.Samples.Tour;

return TourSample.Run(args, Console.Out);
