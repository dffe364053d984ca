"""Calendar-month means of model fields: the one place they are computed.

Model history files carry several time steps per calendar month (monthly means
of several years, or daily/hourly output). Every product that is "a month" of
the model (Fig. 1 sections, the Fe+ flux, the residual-circulation drift of
Fig. 3) averages over all time steps of that calendar month here.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def monthly_mean(da: xr.DataArray | xr.Dataset) -> xr.DataArray | xr.Dataset:
    """Mean over the time steps of each calendar month, on a ``month`` dimension (1-12).

    Parameters
    ----------
    da : xarray.DataArray or xarray.Dataset
        With a ``time`` coordinate (cftime or datetime64); any units.

    Returns
    -------
    xarray.DataArray or xarray.Dataset
        ``time`` replaced by ``month`` (only the months present), units kept.
    """
    month = da["time"].dt.month.rename("month")
    return da.groupby(month).mean("time", keep_attrs=True)


def monthly_zonal_mean(da: xr.DataArray, month: int) -> xr.DataArray:
    """Mean over all time steps in calendar ``month`` and over longitude.

    Parameters
    ----------
    da : xarray.DataArray
        Field with ``time`` (cftime or datetime64) and, usually, ``lon``; any units.
    month : int
        Calendar month, 1-12.

    Returns
    -------
    xarray.DataArray
        Without ``time`` and ``lon``; same units.

    Raises
    ------
    ValueError
        If no time step falls in that month.
    """
    sel = da["time"].dt.month == month
    if not bool(sel.any()):
        present = sorted(set(np.asarray(da["time"].dt.month.values).tolist()))
        raise ValueError(f"no model time in month {month}; available months: {present}")
    out = da.isel(time=sel.values).mean("time")
    return out.mean("lon") if "lon" in out.dims else out
