"""Metal-ion lidars: readers, cloud detection and tracking, predicted descent, link to Es.

The second study of the workflow (``docs/science.md`` §9, after Chen et al. 2026):

* :mod:`.canonical` - the canonical CF-netCDF lidar layout every format converts to;
* :mod:`.madrigal` - CEDAR Madrigal HDF5 lidar files -> canonical layout;
* :mod:`.detection` - metal ion clouds in each profile, with a stated false-alarm rate;
* :mod:`.tracking` - tracks across profiles, descent rates, arrival at Es heights;
* :mod:`.prediction` - the ion drift over the lidar, trajectories and convergence nodes;
* :mod:`.superposed` - superposed-epoch analysis of ionosonde foEs and h'Es.
"""
