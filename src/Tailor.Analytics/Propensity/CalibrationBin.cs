namespace Tailor.Analytics.Propensity;

/// <summary>One bin of a calibration table: predictions in (Lower, Upper], their mean and the observed positive rate.</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate);
